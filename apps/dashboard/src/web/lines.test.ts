import { describe, expect, it } from 'vitest';
import type { RunView } from '../api-types';
import type { TypedColumns } from '../binary-metrics';
import { firstSelection } from './first-selection';
import { groupLines, linesToCsv, runLines } from './lines';
import { xScale } from './summary-chart';

/** A run as /api/runs lists it, with only what the lines read. */
function run(id: string, settings: Record<string, number>, sweep?: string): RunView {
  return {
    id,
    run: id.split('/')[1],
    project: id.split('/')[0],
    name: null,
    settings,
    stepsPerEpoch: 4,
    createdAt: `2026-12-01T00:00:0${settings.seed ?? 0}Z`,
    sweep: sweep ? { id: sweep, trial: id, point: {}, seed: 0 } : null,
    quantized: false,
  } as unknown as RunView;
}

/** Five epochs of 4 steps: val_acc_epoch at the end of each, in typed columns as the server sends. */
function epochs(offset: number): Record<string, TypedColumns> {
  return {
    val_acc_epoch: {
      step: Float64Array.from([4, 8, 12, 16, 20]),
      epoch: Float64Array.from([0, 1, 2, 3, 4]),
      time: new Float64Array(0),
      value: Float64Array.from([0.2, 0.4, 0.5, 0.6, 0.65].map((value) => value + offset)),
    },
  };
}

const runs = [
  run('lab/a', { 'batch-size': 64, seed: 0 }),
  run('lab/b', { 'batch-size': 64, seed: 1 }),
];
const data = new Map([
  ['lab/a', epochs(0)],
  ['lab/b', epochs(0.1)],
]);

describe('the lines the page draws', () => {
  it('places a per-epoch metric at epochs 1 to 5, in typed arrays, as ch plot does', () => {
    const [line] = runLines(runs, data, 'val_acc_epoch', 'epoch', 0);
    expect(line.x).toBeInstanceOf(Float64Array);
    expect(Array.from(line.x)).toEqual([1, 2, 3, 4, 5]);
    expect(line.label).toBe('seed=0');
    expect(linesToCsv([line], 'val_acc_epoch', 'epoch').split('\n')[1]).toBe(
      'seed=0,val_acc_epoch,1,0.2,0.2,,',
    );
  });

  it('averages repeats into one line with a band, named by the group', () => {
    const [group] = groupLines(runs, data, 'val_acc_epoch', 'epoch', 0, 'batch-size', 'minmax');
    expect(group.label).toBe('batch-size=64 (n=2)');
    expect(group.x).toEqual([1, 2, 3, 4, 5]);
    expect(group.y[0]).toBeCloseTo(0.25, 12);
    expect(group.band?.lower[0]).toBeCloseTo(0.2, 12);
    expect(group.band?.upper[0]).toBeCloseTo(0.3, 12);
  });
});

describe('the first selection', () => {
  it('is the latest sweep when the newest run is a trial, else the first runs listed', () => {
    const trial = run('lab/t', { seed: 9 }, 'sweep-1');
    expect(firstSelection([...runs, trial])).toEqual(['lab/t']);
    expect(firstSelection(runs)).toEqual(['lab/a', 'lab/b']);
  });
});

describe("the summary chart's x axis", () => {
  it('doubles for powers of two, goes by decades for learning rates, else is linear', () => {
    expect(xScale([64, 128, 1024]).kind).toBe('log2');
    expect(xScale([1e-4, 1e-3, 1e-2]).kind).toBe('log10');
    expect(xScale([1, 2, 3]).kind).toBe('linear');
  });
});
