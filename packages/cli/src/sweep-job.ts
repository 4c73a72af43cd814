/**
 * The checks `ch worker` makes on a queued trial's payload and requirements before anything
 * touches the disk. Anyone who can write to the queue's Redis can write a job, so a worker trusts
 * no field: names must be plain folder names (they are joined to the project dir), `ch train`
 * words may only be the flags `ch sweep` puts there (none that names where a run is written).
 */
import path from 'node:path';
import { FOLDER_NAME_RULE, isFolderName } from '@machop/runs';
import { folderNameField, isRecord, QueueJobError, shown } from '@machop/sweep/queue';
import { TRAIN_COMMAND_FLAGS, TRAIN_FLAGS } from './flags.js';
import type { SweepRequirements, SweepTrialPayload } from './sweep-trial.js';

// Flags of `ch train` that a trial's words never hold: `ch sweep` keeps them for the sweep, and
// each would move or name the run folder (project, project-dir, name, resume) or change how the
// worker loads code (backend, plugin).
const NOT_IN_TRIALS = new Set([
  'project',
  'project-dir',
  'name',
  'resume',
  'backend',
  'quiet',
  'plugin',
]);

/** The `ch train` flags a queued trial's words may hold, given the worker's model/data set flags. */
export function trialFlagNames(entryFlags: Iterable<string>): Set<string> {
  const names = [...TRAIN_FLAGS, ...TRAIN_COMMAND_FLAGS]
    .map((flag) => flag.name)
    .filter((name) => !NOT_IN_TRIALS.has(name));
  return new Set([...names, ...entryFlags]);
}

function stringList(field: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
    throw new QueueJobError(`${field} must be a list of strings, got ${shown(value)}`);
  return value;
}

/** A trial's `ch train` words: model and data set, then only `--flag[=value]` words it may hold. */
function trialArgs(value: unknown, allowed: ReadonlySet<string>): string[] {
  const args = stringList('args', value);
  const [model, dataset, ...flags] = args;
  for (const name of [model, dataset])
    if (name === undefined || name === '' || name.startsWith('-'))
      throw new QueueJobError(`args must start with a model and a data set, got ${shown(name)}`);
  for (const word of flags) {
    const flag = /^--([a-z0-9][a-z0-9-]*)(=.*)?$/s.exec(word);
    // `--no-test` turns a boolean off; it carries no value.
    const name = flag?.[2] === undefined ? flag?.[1].replace(/^no-/, '') : flag[1];
    if (name === undefined || !allowed.has(name))
      throw new QueueJobError(`args holds ${shown(word)}, which is not a setting a trial may hold`);
  }
  return args;
}

function membership(value: unknown): SweepTrialPayload['sweep'] {
  if (!isRecord(value)) throw new QueueJobError(`sweep must be an object, got ${shown(value)}`);
  const id = folderNameField('sweep.id', value.id);
  const trial = folderNameField('sweep.trial', value.trial);
  const { point, seed } = value;
  if (
    !isRecord(point) ||
    !Object.values(point).every((item) => ['string', 'number', 'boolean'].includes(typeof item))
  )
    throw new QueueJobError(
      `sweep.point must map settings to strings, numbers or booleans, got ${shown(point)}`,
    );
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed))
    throw new QueueJobError(`sweep.seed must be a whole number, got ${shown(seed)}`);
  return { id, trial, point: point as Record<string, string | number | boolean>, seed };
}

/**
 * Check a queued trial's payload field by field; throws a {@link QueueJobError} naming the first
 * bad one. `allowedFlags` comes from {@link trialFlagNames}.
 */
export function readSweepTrialPayload(
  value: unknown,
  allowedFlags: ReadonlySet<string>,
): SweepTrialPayload {
  if (!isRecord(value)) throw new QueueJobError(`it must be an object, got ${shown(value)}`);
  const project = folderNameField('project', value.project);
  const runId = folderNameField('runId', value.runId);
  if (typeof value.projectDir !== 'string')
    throw new QueueJobError(`projectDir must be a string, got ${shown(value.projectDir)}`);
  if (typeof value.resume !== 'boolean')
    throw new QueueJobError(`resume must be true or false, got ${shown(value.resume)}`);
  return {
    args: trialArgs(value.args, allowedFlags),
    // The coordinator's path, kept only for the record: a worker writes under its own.
    projectDir: value.projectDir,
    project,
    runId,
    resume: value.resume,
    sweep: membership(value.sweep),
    command: stringList('command', value.command),
  };
}

/** Check what a queued trial says it needs; throws a {@link QueueJobError} on a bad field. */
export function readSweepRequirements(value: unknown): Partial<SweepRequirements> {
  if (value === null || value === undefined) return {};
  if (!isRecord(value))
    throw new QueueJobError(`requirements must be an object, got ${shown(value)}`);
  const text = (field: keyof SweepRequirements) => {
    const item = value[field];
    if (item !== undefined && typeof item !== 'string')
      throw new QueueJobError(`requirements.${field} must be a string, got ${shown(item)}`);
    return item;
  };
  const plugins = value.plugins ?? [];
  if (
    !Array.isArray(plugins) ||
    !plugins.every(
      (plugin) =>
        isRecord(plugin) && typeof plugin.name === 'string' && typeof plugin.source === 'string',
    )
  )
    throw new QueueJobError(
      `requirements.plugins must be a list of { name, source }, got ${shown(plugins)}`,
    );
  if (value.backend !== undefined && value.backend !== null && typeof value.backend !== 'string')
    throw new QueueJobError(`requirements.backend must be a string, got ${shown(value.backend)}`);
  return {
    version: text('version'),
    model: text('model'),
    dataset: text('dataset'),
    plugins: plugins as SweepRequirements['plugins'],
    backend: value.backend ?? null,
  };
}

/**
 * `<projectDir>/<project>/<runId>`, refused unless it stays inside `projectDir`: a second guard
 * behind the folder-name checks, as the path is about to be written and maybe removed.
 */
export function trialRunDir(projectDir: string, project: string, runId: string): string {
  const root = path.resolve(projectDir);
  const runDir = path.resolve(root, project, runId);
  const inside = path.relative(root, runDir);
  if (
    !isFolderName(project) ||
    !isFolderName(runId) ||
    inside.startsWith('..') ||
    path.isAbsolute(inside)
  )
    throw new QueueJobError(
      `run folder ${shown(`${project}/${runId}`)} is not inside the project dir ${root}; names must be ${FOLDER_NAME_RULE}`,
    );
  return runDir;
}
