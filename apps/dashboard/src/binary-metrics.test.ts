import { describe, expect, it } from 'vitest';
import type { MetricsResponse } from './api-types.js';
import { decodeMetrics, decodeMetricsBatch } from './binary-metrics.js';
import { encodeMetrics, encodeMetricsBatch, toSeries } from './server/binary.js';

const answer = (series: MetricsResponse['series']): MetricsResponse => ({
  id: 'lab1/run',
  generation: 3,
  next: 12,
  reset: true,
  names: Object.keys(series).sort(),
  series,
});

describe('the binary metrics form', () => {
  it('reads back what was written: whole steps as runs or int32, others as float64, null as null', () => {
    const response = answer({
      train_loss_step: {
        step: [1, 2, 3],
        epoch: [0, 0, 1],
        time: [1_790_000_000.25, 1_790_000_000.5, 1_790_000_001],
        value: [0.5, null, 1e-300],
      },
      lr: { step: [2.5, 5], epoch: [0, 1], time: [1, 2], value: [0.001, 0.0005] },
      huge: { step: [2 ** 40], epoch: [-0], time: [3], value: [-1] },
      scattered: {
        step: [7, 3, 11, 2],
        epoch: [0, 5, 1, 9],
        time: [1, 2, 3, 4],
        value: [1, 2, 3, 4],
      },
    });
    const body = encodeMetrics(toSeries(response));
    const header = JSON.parse(body.toString('utf8', 4, 4 + body.readUInt32LE(0))) as {
      columns: unknown[];
    };
    expect(header.columns).toEqual([
      // Steps 1, 2, 3 are one run of equal steps, epochs 0, 0, 1 two: shorter than the columns.
      ['train_loss_step', 3, 'runs', 1, 2],
      ['lr', 2],
      ['huge', 1],
      // Whole numbers that do not repeat a step: int32, not runs.
      ['scattered', 4, 'i32'],
    ]);
    expect(body.length % 8).toBe(0);
    const decoded = decodeMetrics(new Uint8Array(body).buffer);
    expect(decoded).toEqual(response);
    expect(Object.is(decoded.series.huge.epoch[0], -0)).toBe(true);
  });

  it('reads several runs from one answer, with null for a run that is not there', () => {
    const one = answer({ lr: { step: [1], epoch: [0], time: [1], value: [0.1] } });
    const two = answer({ lr: { step: [1.5, 2], epoch: [0, 0], time: [1, 2], value: [null, 3] } });
    const body = encodeMetricsBatch([toSeries(one), undefined, toSeries(two)]);
    expect(decodeMetricsBatch(new Uint8Array(body).buffer)).toEqual({ runs: [one, null, two] });
  });
});
