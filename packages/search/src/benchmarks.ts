import type { Assignment, SearchObjective, SearchSpace } from '@machop/core/base';

/**
 * A test function for search strategies with a known best: its space, objectives and a
 * deterministic evaluation. The same functions are written in Python in
 * `bench/optuna-reference.py`, so Optuna can be run on exactly these.
 */
export interface Benchmark {
  readonly name: string;
  readonly space: SearchSpace;
  readonly objectives: readonly SearchObjective[];
  evaluate(params: Assignment): number[];
  /** One objective: the best value any configuration reaches. */
  readonly optimum?: number;
  /** Several objectives: a reference point and the hypervolume of the true Pareto front. */
  readonly front?: { readonly reference: readonly number[]; readonly hypervolume: number };
}

const quantizerError: Readonly<Record<string, number>> = {
  integer: 0,
  minifloat: 0.02,
  log: 0.05,
  binary: 0.15,
};
const dataInWidths = [2, 3, 4, 5, 6, 7, 8, 16];
const weightWidths = [2, 4, 6, 8, 10, 12, 16];
const biasWidths = [2, 4, 8, 16];

// Error falls off with each width, every bit costs a little, the learning rate has a sweet spot:
// the shape of accuracy against bits in a mixed-precision search, folded into one loss.
function precisionLoss(
  quantizer: string,
  dataIn: number,
  weight: number,
  bias: number,
  rate: number,
): number {
  const rateTerm = Math.log10(rate) + 2.5;
  return (
    quantizerError[quantizer] +
    0.5 * Math.exp(-0.6 * (dataIn - 1)) +
    0.5 * Math.exp(-0.5 * (weight - 1)) +
    0.1 * Math.exp(-0.5 * (bias - 1)) +
    0.005 * (dataIn + weight) +
    0.001 * bias +
    0.05 * rateTerm * rateTerm
  );
}

function precisionOptimum(): number {
  let best = Number.POSITIVE_INFINITY;
  for (const dataIn of dataInWidths)
    for (const weight of weightWidths)
      for (const bias of biasWidths)
        best = Math.min(best, precisionLoss('integer', dataIn, weight, bias, 10 ** -2.5));
  return best;
}

/**
 * A mixed-precision-shaped benchmark: a quantizer (categorical), three bit widths (ordinal) and
 * a learning rate (log float), one loss to minimize; its optimum is integer, 7/8/4 bits (data
 * in, weight, bias) and a rate of 10^-2.5.
 */
export const precisionBenchmark: Benchmark = {
  name: 'precision',
  space: {
    quantizer: { kind: 'categorical', choices: Object.keys(quantizerError) },
    data_in_width: { kind: 'ordinal', choices: dataInWidths },
    weight_width: { kind: 'ordinal', choices: weightWidths },
    bias_width: { kind: 'ordinal', choices: biasWidths },
    learning_rate: { kind: 'float', low: 1e-5, high: 1e-1, log: true },
  },
  objectives: [{ name: 'loss', direction: 'minimize' }],
  evaluate: (params) => [
    precisionLoss(
      params.quantizer as string,
      params.data_in_width as number,
      params.weight_width as number,
      params.bias_width as number,
      params.learning_rate as number,
    ),
  ],
  optimum: precisionOptimum(),
};

/** The Branin function on [-5, 10] x [0, 15]: three global minima of 0.397887. */
export const braninBenchmark: Benchmark = {
  name: 'branin',
  space: {
    x1: { kind: 'float', low: -5, high: 10 },
    x2: { kind: 'float', low: 0, high: 15 },
  },
  objectives: [{ name: 'value', direction: 'minimize' }],
  evaluate: (params) => {
    const x1 = params.x1 as number;
    const x2 = params.x2 as number;
    const b = 5.1 / (4 * Math.PI * Math.PI);
    const c = 5 / Math.PI;
    const t = 1 / (8 * Math.PI);
    return [(x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10];
  },
  optimum: 0.39788735772973816,
};

/**
 * ZDT1 with 6 variables: two objectives to minimize, whose Pareto front is f2 = 1 - sqrt(f1)
 * (all variables but the first at 0); against the reference point (1, 10) that front's
 * hypervolume is 9 + 2/3 (random points mostly have f2 > 1, so a nearer reference would
 * score them all 0).
 */
export const zdt1Benchmark: Benchmark = {
  name: 'zdt1',
  space: Object.fromEntries(
    Array.from({ length: 6 }, (_, i) => [`x${i}`, { kind: 'float', low: 0, high: 1 } as const]),
  ),
  objectives: [
    { name: 'f1', direction: 'minimize' },
    { name: 'f2', direction: 'minimize' },
  ],
  evaluate: (params) => {
    const x = Array.from({ length: 6 }, (_, i) => params[`x${i}`] as number);
    const g = 1 + (9 * x.slice(1).reduce((sum, value) => sum + value, 0)) / (x.length - 1);
    return [x[0], g * (1 - Math.sqrt(x[0] / g))];
  },
  front: { reference: [1, 10], hypervolume: 9 + 2 / 3 },
};
