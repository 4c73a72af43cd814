import { ConfigError } from '@machop/core/base';
import type { Trial } from '@machop/sweep';
import { resolveTrainOptions } from '@machop/trainer';
import { parseArgs } from './args.js';
import type { CommandContext } from './command.js';
import { resolveTrain, trainOptions } from './commands/train.js';
import { entryOptionFlags } from './entry-options.js';
import { GLOBAL_FLAGS, TRAIN_COMMAND_FLAGS, TRAIN_FLAGS } from './flags.js';
import { flagWords } from './sweep-definition.js';

/** Trials a sweep may have without `--yes`: more is most likely a typo in a range or a count. */
export const TRIAL_LIMIT = 10_000;

// Nothing the check prints is for the user: only its errors are.
const quiet = { write: () => true } as unknown as NodeJS.WritableStream;

/**
 * Check one trial's `ch train` words by the rules `ch train` applies (flag types and bounds,
 * model and data set options, conflicts, the trainer's option checks), without training.
 */
async function checkWords(context: CommandContext, words: string[]): Promise<void> {
  const registry = context.registry;
  const own = [...TRAIN_FLAGS, ...TRAIN_COMMAND_FLAGS, ...GLOBAL_FLAGS];
  const entryFlags = entryOptionFlags(registry, own);
  const args = parseArgs(words, [...own, ...entryFlags], 'ch train');
  const resolved = await resolveTrain({
    ...context,
    io: { ...context.io, stdout: quiet, stderr: quiet },
    argv: ['train', ...words],
    args,
    entryFlags: new Set(entryFlags.map((flag) => flag.name)),
    json: false,
  });
  resolveTrainOptions({
    ...trainOptions(resolved.settings, context.io.cwd, resolved.maxTimeSeconds),
    model: resolved.model.name,
    dataset: resolved.dataset.name,
    modelOptions: resolved.modelOptions,
    datasetOptions: resolved.datasetOptions,
  });
}

function message(error: unknown): string {
  if (error instanceof ConfigError) return error.message;
  throw error;
}

/**
 * Check every value a sweep gives each setting, then every point (for settings that constrain
 * each other), before anything is created: a bad value is one line naming where it was given,
 * instead of a failed trial after folders and workers exist. Points beyond {@link TRIAL_LIMIT}
 * (a sweep run with `--yes`) are checked by value only.
 */
export async function checkTrials(
  context: CommandContext,
  base: readonly string[],
  trials: readonly Trial[],
  where: (name: string) => string,
): Promise<void> {
  if (trials.length === 0) return;
  const words = (values: Record<string, unknown>, seed: number) => [
    ...base,
    ...Object.entries(values).flatMap(([name, value]) => flagWords(name, value)),
    `--seed=${seed}`,
  ];
  const first = trials[0];
  const checked = new Set<string>();
  for (const trial of trials)
    for (const [name, value] of Object.entries({ ...trial.fixed, ...trial.point })) {
      const key = JSON.stringify([name, typeof value, String(value)]);
      if (checked.has(key)) continue;
      checked.add(key);
      try {
        await checkWords(context, words({ ...first.fixed, [name]: value }, 0));
      } catch (error) {
        throw new ConfigError(`${where(name)}: ${name} ${String(value)}: ${message(error)}`);
      }
    }
  if (trials.length > TRIAL_LIMIT) return;
  const points = new Set<string>();
  for (const trial of trials) {
    const key = JSON.stringify(trial.point);
    if (points.has(key)) continue;
    points.add(key);
    try {
      await checkWords(context, words({ ...trial.fixed, ...trial.point }, trial.seed));
    } catch (error) {
      throw new ConfigError(`trial ${trial.name}: ${message(error)}`);
    }
  }
}
