// What to say when a run's validation accuracy ended near chance: the learning rate was too
// small to learn in the epochs given, so large that the network died or diverged, or neither
// (the model learned, but its outputs tie). `ch train`
// says it for its run and `ch sweep` for each point of its table.
import path from 'node:path';
import { readRun, type RunInfo } from '@machop/runs';
import { stats } from '@machop/runs/series';
import type { SweepTable } from '@machop/sweep';
import { formatNumber } from './progress.js';

/** What a hint needs to know about a run (or the mean over a point's seeds). */
export interface ChanceFacts {
  /** Final validation accuracy. */
  accuracy: number | undefined;
  classes: number | undefined;
  /** Final training loss of an epoch. */
  trainLoss: number | undefined;
  learningRate: number | undefined;
  /** Whether the trainer ended the run as `diverged`. */
  diverged: boolean;
}

/**
 * The hint for a run whose validation accuracy ended below 1.25 times chance, else undefined.
 *
 * A learning rate that is too large shows as a training loss that sits at ln(classes): the
 * cross-entropy of a network whose outputs no longer depend on the input (its ReLUs died), which
 * no amount of training moves. A too small one leaves the loss where it started, above that, or
 * falling slowly; only then does a larger learning rate help.
 */
export function chanceHint(facts: ChanceFacts): string | undefined {
  const { accuracy, classes, trainLoss, learningRate } = facts;
  if (accuracy === undefined || classes === undefined || classes < 2) return undefined;
  const chance = 1 / classes;
  if (!(accuracy < chance * 1.25)) return undefined;
  const near = `validation accuracy ${formatNumber(accuracy)} is near chance (1/${classes} = ${formatNumber(chance)})`;
  const uniform = Math.log(classes);
  // Measured on JSC-shaped data: a dead jsc-tiny sits at 1.6094 (ln 5); at learning rate 1e-5
  // it is still at 1.6185 after 10 epochs, so the band must be narrower than 0.5%.
  const stuck = trainLoss !== undefined && Math.abs(trainLoss - uniform) < 0.001 * uniform;
  const rate = learningRate === undefined ? '' : ` ${learningRate}`;
  if (facts.diverged || stuck)
    return `${near}: the learning rate${rate} is too large, training diverged (the training loss ${facts.diverged ? 'exploded' : `is stuck at ln ${classes} = ${formatNumber(uniform)}, the network's outputs no longer depend on its input`}); try a smaller --learning-rate (the Lab-1 studies learn with 1e-3)`;
  // A loss well below ln(classes) means the model learned; accuracy near chance then comes from
  // tied outputs (jsc-tiny's final ReLU zeroes the logits of classes it lost for this seed).
  if (trainLoss !== undefined && trainLoss < 0.9 * uniform)
    return `${near}, though the training loss fell to ${formatNumber(trainLoss)} (ln ${classes} = ${formatNumber(uniform)}): the model learned but its outputs tie, as a model ending in a ReLU does when it loses classes for a seed; compare other --seed values before changing the learning rate`;
  return `${near}: try a larger --learning-rate (the Lab-1 studies learn with 1e-3) or more --max-epochs`;
}

/** The facts of one finished run, as its folder records them. */
export function runFacts(run: Pick<RunInfo, 'config' | 'summary'>): ChanceFacts {
  const options = run.config.options as { learningRate?: unknown };
  return {
    accuracy: run.summary?.final.val_acc_epoch,
    classes: run.config.dataset.classes,
    trainLoss: run.summary?.final.train_loss_epoch,
    learningRate: typeof options.learningRate === 'number' ? options.learningRate : undefined,
    diverged: run.summary?.status === 'diverged',
  };
}

/** One hint line per point of a sweep table (runs in the folder `project`) whose seeds ended near chance on average. */
export async function sweepHints(project: string, table: SweepTable): Promise<string[]> {
  const hints: string[] = [];
  for (const row of table.rows) {
    const runs = (
      await Promise.all(row.trials.map((trial) => readRun(path.join(project, trial))))
    ).filter((run): run is RunInfo => run !== undefined);
    if (runs.length === 0) continue;
    const facts = runs.map(runFacts);
    const mean = (values: (number | undefined)[]) => stats(values)?.mean;
    const hint = chanceHint({
      accuracy: mean(facts.map((fact) => fact.accuracy)),
      classes: facts[0].classes,
      trainLoss: mean(facts.map((fact) => fact.trainLoss)),
      learningRate: facts[0].learningRate,
      diverged: facts.every((fact) => fact.diverged),
    });
    const point = Object.entries(row.point)
      .map(([name, value]) => `${name}=${String(value)}`)
      .join(' ');
    // A sweep over seeds alone has one point and nothing to name it by.
    if (hint) hints.push(point ? `${point}: ${hint}` : hint);
  }
  return hints;
}
