import { describe, expect, it } from 'vitest';
import type { LinePlot } from './curves.js';
import { lineSpec, summarySpec } from './spec.js';
import type { SummaryPlot } from './summary.js';

function plot(curves: number, options: Partial<LinePlot> = {}): LinePlot {
  return {
    metric: 'val_loss_epoch',
    x: 'epoch',
    smoothing: 0,
    band: null,
    keys: ['learning-rate'],
    repeats: 1,
    logY: false,
    curves: Array.from({ length: curves }, (_, index) => ({
      label: `learning-rate=${10 ** -index}`,
      runs: [`run-${index}`],
      mixed: [],
      points: [1, 2].map((x) => ({ x, y: x / (index + 1), raw: x / (index + 1), count: 1 })),
    })),
    ...options,
  };
}

type Layer = { name: string; encoding: Record<string, { scale?: unknown; legend?: unknown }> };

describe('lineSpec', () => {
  it('names the axes in words by default, and takes a title and axis titles when given', () => {
    type Titled = { title?: string; layer: { encoding: Record<string, { title?: string }> }[] };
    const plain = lineSpec(plot(1)) as unknown as Titled;
    expect(plain.title).toBeUndefined();
    expect(plain.layer[0].encoding.y.title).toBe('validation loss');
    expect(plain.layer[0].encoding.x.title).toBe('epoch');
    const titled = lineSpec(
      plot(1),
      {},
      {
        title: 'Lab 1',
        xLabel: 'epochs done',
        yLabel: 'loss',
      },
    ) as unknown as Titled;
    expect(titled.title).toBe('Lab 1');
    expect(titled.layer[0].encoding.y.title).toBe('loss');
    expect(titled.layer[0].encoding.x.title).toBe('epochs done');
  });

  it('has a line layer only, for single runs without smoothing, on a linear scale', () => {
    const spec = lineSpec(plot(3)) as unknown as { layer: Layer[]; width: number };
    expect(spec.layer.map((layer) => layer.name)).toEqual(['curve']);
    expect(spec.width).toBe(640);
    expect(spec.layer[0].encoding.y.scale).toEqual({ zero: false });
    expect(spec.layer[0].encoding.color.legend).toEqual({ title: ['learning-rate'] });
  });

  it('adds a band and the raw curve, a log y axis and more colours when there are many curves', () => {
    const spec = lineSpec(plot(12, { band: 'std', repeats: 3, smoothing: 0.6, logY: true }), {
      width: 900,
    }) as unknown as { layer: Layer[]; width: number };
    expect(spec.layer.map((layer) => layer.name)).toEqual(['band', 'raw', 'curve']);
    expect(spec.width).toBe(900);
    const curve = spec.layer[2].encoding;
    expect(curve.y.scale).toEqual({ type: 'log' });
    expect(curve.color.scale).toMatchObject({ scheme: 'tableau20' });
    expect(curve.color.legend).toEqual({
      title: ['learning-rate', 'mean of up to 3 runs, band: ± 1 std'],
    });
  });
});

describe('summarySpec', () => {
  it('titles the figure with the value shown and what the bars are, on a log x axis', () => {
    const summary: SummaryPlot = {
      metric: 'val_acc_epoch',
      value: 'best',
      band: 'minmax',
      setting: 'learning-rate',
      seriesKeys: [],
      logX: true,
      repeats: 3,
      points: [0.001, 0.01].map((x) => ({
        x,
        series: 'val_acc_epoch',
        mean: 0.7,
        std: 0.01,
        low: 0.69,
        high: 0.71,
        runs: [{ id: 'a', seed: 0, value: 0.7 }],
      })),
    };
    const spec = summarySpec(summary) as unknown as {
      title: { text: string; subtitle: string };
      layer: [Layer, { layer: Layer[] }];
    };
    expect(spec.title).toEqual({
      text: 'best validation accuracy by learning-rate',
      subtitle: 'mean of up to 3 runs, bars: min–max',
    });
    expect(spec.layer[1].layer.map((layer) => layer.name)).toEqual(['trend', 'errorbar', 'mean']);
    expect(spec.layer[1].layer[2].encoding.x.scale).toEqual({ type: 'log' });
    expect(spec.layer[1].layer[2].encoding.color.legend).toBeNull();
  });
});
