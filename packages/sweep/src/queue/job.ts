import { MachopError } from '@machop/core/base';
import { FOLDER_NAME_RULE, isFolderName } from '@machop/runs';
import type { TrialTask } from '../executor.js';

/**
 * What a queued trial carries: the task as the local executor would get it, the sweep it belongs
 * to (a worker looks for `<project>/sweeps/<id>` in its project dir), what a worker needs to run
 * it (checked before it starts), and how often it may be retried.
 */
export interface QueuedTrial<Payload = unknown> {
  sweep: { id: string; project: string };
  task: TrialTask<Payload>;
  /** Opaque to the queue: plugins, model, data set, versions, as the coordinator states them. */
  requirements: unknown;
  /** Times a trial is run again after a failure or a lost worker before it is marked failed. */
  maxRetries: number;
}

/** The most retries a job may ask for: more is a tampered or corrupt job, not a choice. */
export const MAX_RETRIES_LIMIT = 1000;

/**
 * A queue job that is not a trial Machop.ts made: corrupt data, or fields a worker must not
 * trust. Such a job is failed once and never retried.
 */
export class QueueJobError extends MachopError {
  constructor(message: string) {
    super('E_JOB', message);
  }
}

/** A plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value` when it is a folder name; a {@link QueueJobError} naming `field` when not. */
export function folderNameField(field: string, value: unknown): string {
  if (!isFolderName(value))
    throw new QueueJobError(`${field} must be ${FOLDER_NAME_RULE}, got ${shown(value)}`);
  return value;
}

/** A value as an error message shows it: JSON, cut short so a huge field stays one line. */
export function shown(value: unknown): string {
  // JSON.stringify gives undefined for functions and symbols, which JSON data never holds.
  const text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? typeof value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Check every field of a job's data before a worker acts on it: the sweep id, project and trial
 * name must be plain folder names (a worker joins them to its project dir), `maxRetries` a whole
 * number in range, `requirements` an object or null. `readPayload` checks the payload, which only
 * the sweep's maker knows (and may check it against the rest of the job, given checked). Throws a {@link QueueJobError} naming the first bad field.
 */
export function readQueuedTrial<Payload>(
  data: unknown,
  readPayload: (payload: unknown, trial: QueuedTrial) => Payload,
): QueuedTrial<Payload> {
  if (!isRecord(data)) throw new QueueJobError(`the job's data is ${shown(data)}, not an object`);
  const { sweep, task, requirements, maxRetries } = data;
  if (!isRecord(sweep)) throw new QueueJobError(`sweep must be an object, got ${shown(sweep)}`);
  if (!isRecord(task)) throw new QueueJobError(`task must be an object, got ${shown(task)}`);
  const id = folderNameField('sweep.id', sweep.id);
  const project = folderNameField('sweep.project', sweep.project);
  const name = folderNameField('task.name', task.name);
  if (
    typeof maxRetries !== 'number' ||
    !Number.isInteger(maxRetries) ||
    maxRetries < 0 ||
    maxRetries > MAX_RETRIES_LIMIT
  )
    throw new QueueJobError(
      `maxRetries must be a whole number from 0 to ${MAX_RETRIES_LIMIT}, got ${shown(maxRetries)}`,
    );
  if (requirements !== null && requirements !== undefined && !isRecord(requirements))
    throw new QueueJobError(`requirements must be an object, got ${shown(requirements)}`);
  const trial: QueuedTrial = {
    sweep: { id, project },
    task: { name, payload: task.payload },
    requirements: requirements ?? null,
    maxRetries,
  };
  let payload: Payload;
  try {
    payload = readPayload(task.payload, trial);
  } catch (error) {
    if (error instanceof QueueJobError) throw new QueueJobError(`task.payload: ${error.message}`);
    throw error;
  }
  return { ...trial, task: { name, payload } };
}
