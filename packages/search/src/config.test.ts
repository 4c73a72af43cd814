import { describe, expect, it } from 'vitest';
import { parseMetricFlag, readSearchTables } from './config.js';

describe('readSearchTables', () => {
  it("maps MASE's sampler names to our strategies and reads a summed objective", () => {
    const settings = readSearchTables(
      {
        search_space: { name: 'graph/quantize/mixed_precision_ptq', setup: { by: 'type' } },
        strategy: {
          name: 'optuna',
          setup: {
            sampler: 'nsgaii',
            n_trials: 30,
            sum_scaled_metrics: true,
            direction: 'maximize',
          },
          metrics: { loss: { scale: 2, direction: 'minimize' }, accuracy: { scale: 1 } },
        },
      },
      'c.toml',
    );
    expect(settings.strategy).toBe('nsga2');
    expect(settings.trials).toBe(30);
    expect(settings.sumScaledMetrics).toBe(true);
    expect(settings.direction).toBe('maximize');
    // Sorted by name, as MASE orders its objectives; a metric's direction defaults to its own.
    expect(settings.metrics).toEqual([
      { name: 'accuracy', scale: 1, direction: 'maximize' },
      { name: 'loss', scale: 2, direction: 'minimize' },
    ]);
    expect(settings.space?.config).toEqual({ setup: { by: 'type' } });
  });

  it('says in one line which key is wrong and how to fix it', () => {
    expect(() => readSearchTables({ strategy: { setup: { n_trials: 0 } } }, 'c.toml')).toThrowError(
      'c.toml: search.strategy.setup.n_trials must be a whole number >= 1',
    );
    expect(() =>
      readSearchTables({ strategy: { metrics: { acuracy: { scale: 1 } } } }, 'c.toml'),
    ).toThrowError(
      /c.toml: search.strategy.metrics.acuracy: there is no metric "acuracy"; did you mean "accuracy"/,
    );
    expect(() =>
      readSearchTables({ search_space: { setup: { by: 'name' } } }, 'c.toml'),
    ).toThrowError(/search.search_space.name is missing/);
  });
});

describe('parseMetricFlag', () => {
  it('reads NAME[:max|min[:SCALE]]', () => {
    expect(parseMetricFlag('accuracy:max:1.0')).toEqual({
      name: 'accuracy',
      scale: 1,
      direction: 'maximize',
    });
    expect(parseMetricFlag('bitops:min:1e-6')).toEqual({
      name: 'bitops',
      scale: 1e-6,
      direction: 'minimize',
    });
    expect(parseMetricFlag('average_bitwidth')).toEqual({
      name: 'average_bitwidth',
      scale: 1,
      direction: 'minimize',
    });
    expect(() => parseMetricFlag('accuracy:up')).toThrowError(
      /the direction must be max or min, not "up"/,
    );
    expect(() => parseMetricFlag('accuracy:max:zero')).toThrowError(
      /scale must be a number other than 0/,
    );
  });
});
