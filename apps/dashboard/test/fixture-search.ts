// A search folder written by hand in the shape `ch search` saves (`study.json`, and `log.json`
// once it has ended), for the page's tests: no trained model needed.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** A trial: its accuracy and average bit width, the weight width its config sampled. */
export interface SearchTrialSpec {
  accuracy: number;
  bits: number;
}

/**
 * Writes `<projectDir>/<project>/software/search_ckpts/<id>/study.json` (and `log.json` when
 * `ended`), each trial's sampled config naming its width.
 */
export async function writeSearch(
  projectDir: string,
  project: string,
  id: string,
  trials: readonly SearchTrialSpec[],
  ended = true,
): Promise<string> {
  const dir = path.join(projectDir, project, 'software', 'search_ckpts', id);
  await mkdir(dir, { recursive: true });
  const [strategy, seed] = id.split('-seed');
  const study = {
    format: 'machop-search-study',
    version: 1,
    id,
    fingerprint: {
      checkpoint: '/runs/float',
      space: { name: 'graph/quantize/mixed_precision_ptq' },
      strategy,
      seed: Number(seed),
      metrics: [
        { name: 'accuracy', direction: 'maximize', scale: 1 },
        { name: 'average_bitwidth', direction: 'minimize', scale: 0.2 },
      ],
      sum: null,
      compareTo: 32,
    },
    trials: trials.map((trial, number) => ({
      number,
      params: { 'seq_blocks_2.weight_width': trial.bits },
      state: 'complete',
      values: [trial.accuracy, 0.2 * trial.bits],
      softwareMetrics: { accuracy: trial.accuracy },
      hardwareMetrics: { average_bitwidth: trial.bits },
      scaledMetrics: { accuracy: trial.accuracy, average_bitwidth: 0.2 * trial.bits },
      sampledConfig: { seq_blocks_2: { config: { name: 'integer', weight_width: trial.bits } } },
      start: '2026-12-08T00:00:00.000Z',
      complete: '2026-12-08T00:00:01.000Z',
    })),
  };
  // Whole or not at all, as `ch search` saves it: the page may read it at any moment.
  await writeFile(path.join(dir, 'study.json.partial'), JSON.stringify(study));
  await rename(path.join(dir, 'study.json.partial'), path.join(dir, 'study.json'));
  if (ended)
    await writeFile(
      path.join(dir, 'log.json'),
      JSON.stringify(Object.fromEntries(trials.map((_, number) => [number, { number }]))),
    );
  return dir;
}
