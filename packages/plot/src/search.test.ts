import { frontPoints, type SearchStudy, type SearchTrial } from '@machop/runs';
import { describe, expect, it } from 'vitest';
import { renderSvg } from './render.js';
import { efficiencyPlot } from './search.js';
import { searchSpec } from './search-spec.js';

/** A trial with these metrics (a failed one when accuracy is undefined). */
function trial(number: number, accuracy: number | undefined, bits: number): SearchTrial {
  return {
    number,
    state: accuracy === undefined ? 'failed' : 'complete',
    ...(accuracy === undefined ? {} : { values: [accuracy, 0.2 * bits] }),
    softwareMetrics: accuracy === undefined ? {} : { accuracy },
    hardwareMetrics: accuracy === undefined ? {} : { average_bitwidth: bits },
    params: { 'linear.weight_width': bits },
  };
}

/** A study of MASE's two metrics (accuracy up, average bit width down). */
function study(id: string, strategy: string, seed: number, trials: SearchTrial[]): SearchStudy {
  return {
    id,
    fingerprint: {
      checkpoint: '/runs/a',
      space: 'mixed-precision',
      strategy,
      seed,
      metrics: [
        { name: 'accuracy', direction: 'maximize', scale: 1 },
        { name: 'average_bitwidth', direction: 'minimize', scale: 0.2 },
      ],
      sum: null,
    },
    trials,
  };
}

// By hand: (accuracy, bits) of 0.5/2, 0.7/4, 0.6/4, 0.8/8, 0.7/8, 0.8/8 again, and a failure.
// The front: 0.5 at 2 bits, 0.7 at 4, 0.8 at 8 (both trials 3 and 5, equal, neither dominates).
const random1 = study('random-1', 'random', 1, [
  trial(0, 0.6, 4),
  trial(1, 0.5, 2),
  trial(2, 0.7, 8),
  trial(3, 0.8, 8),
  trial(4, undefined, 2),
  trial(5, 0.8, 8),
  trial(6, 0.7, 4),
]);
const random2 = study('random-2', 'random', 2, [
  trial(0, 0.4, 2),
  trial(1, 0.9, 8),
  trial(2, 0.5, 4),
]);
const tpe = study('tpe-1', 'tpe', 1, [trial(0, 0.3, 2), trial(1, 0.6, 4)]);

type Layer = { name: string };
type Panel = { data: { values: Record<string, unknown>[] }; layer: Layer[] };

describe('search figures', () => {
  it('marks the front: the trials no other beats in accuracy and bits; a failed one is left out', () => {
    const points = frontPoints(random1);
    expect(points.map((point) => point.number)).toEqual([0, 1, 2, 3, 5, 6]);
    expect(points.filter((point) => point.front).map((point) => point.number)).toEqual([
      1, 3, 5, 6,
    ]);
  });

  it('puts the front and the dominated trials apart in the spec, accuracy in percent', () => {
    const spec = searchSpec(frontPoints(random1), efficiencyPlot([random1]), {
      search: 'random-1',
      bitMetric: 'average_bitwidth',
    }) as unknown as { hconcat: Panel[] };
    const [pareto] = spec.hconcat;
    expect(pareto.layer.map((layer) => layer.name)).toEqual(['dominated', 'front-line', 'front']);
    const front = pareto.data.values.filter((row) => row.front);
    expect(front.map((row) => [row.trial, row.accuracy, row.bits])).toEqual([
      [1, 50, 2],
      [3, 80, 8],
      [5, 80, 8],
      [6, 70, 4],
    ]);
    expect(front[0].config).toBe('linear.weight_width=2');
    const dominated = pareto.data.values.filter((row) => !row.front).map((row) => row.trial);
    expect(dominated).toEqual([0, 2]);
  });

  it('follows the best so far per strategy: the mean over seeds with its min and max', () => {
    const plot = efficiencyPlot([random1, random2, tpe]);
    expect(plot.objective).toEqual({ name: 'accuracy', direction: 'maximize' });
    expect(plot.repeats).toBe(2);
    const [random, tpeCurve] = plot.curves;
    expect(random.searches).toEqual(['random-1', 'random-2']);
    // Seed 1: 0.6 0.6 0.7 0.8 0.8 0.8 0.8; seed 2: 0.4 0.9 0.9, then no more trials.
    const rows = random.points.map((point) => [point.trial, point.mean, point.low, point.high]);
    expect(rows.slice(0, 3)).toEqual([
      [1, expect.closeTo(0.5, 12), 0.4, 0.6],
      [2, expect.closeTo(0.75, 12), 0.6, 0.9],
      [3, expect.closeTo(0.8, 12), 0.7, 0.9],
    ]);
    expect(rows.slice(3)).toEqual([
      [4, 0.8, 0.8, 0.8],
      [5, 0.8, 0.8, 0.8],
      [6, 0.8, 0.8, 0.8],
      [7, 0.8, 0.8, 0.8],
    ]);
    expect(random.points.map((point) => point.searches)).toEqual([2, 2, 2, 1, 1, 1, 1]);
    expect(tpeCurve.points.map((point) => point.mean)).toEqual([0.3, 0.6]);
  });

  it('renders both panels with axes named in words and units', async () => {
    const spec = searchSpec(
      frontPoints(random1),
      efficiencyPlot([random1, random2, tpe]),
      { search: 'random-1', bitMetric: 'average_bitwidth', note: 'not ended: 7 trials so far' },
      { width: 960, height: 400 },
    );
    const svg = await renderSvg(spec);
    for (const words of [
      'average weight bit width (bits)',
      'validation accuracy (%)',
      'best validation accuracy (%) so far',
      'trial number',
      'not ended: 7 trials so far',
      'mean of up to 2 seeds, band: min–max',
    ])
      expect(svg).toContain(words);
  });
});
