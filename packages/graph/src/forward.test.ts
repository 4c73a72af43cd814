import { describe, expect, it } from 'vitest';
import { readQuantFixture } from './fixture.js';
import { forward, graphOf, weightsByName } from './index.js';

const fixture = readQuantFixture();
const x = Float32Array.from(fixture.x);

function expectClose(actual: Float32Array, expected: number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  const worst = Math.max(...expected.map((value, index) => Math.abs(value - actual[index])));
  expect(worst).toBeLessThan(tolerance);
}

describe.each(fixture.models.map((model) => [model.model, model] as const))(
  'forward of %s against PyTorch (eval mode)',
  (_name, model) => {
    const weights = weightsByName(model.weights);
    it('gives the float logits', () => {
      const graph = graphOf(model.floatLayers, fixture);
      expectClose(forward(graph, weights, x, fixture.rows), model.floatEvalLogits, 1e-5);
    });
    it.each(model.cases.map((entry) => [entry.config, entry] as const))(
      'gives the fake-quantized logits of %s',
      (_config, entry) => {
        const graph = graphOf(entry.layers, fixture);
        expectClose(forward(graph, weights, x, fixture.rows), entry.evalLogits, 1e-5);
        // quantized: false ignores the quant and gives the float model back.
        const float = forward(graph, weights, x, fixture.rows, { quantized: false });
        expectClose(float, model.floatEvalLogits, 1e-5);
      },
    );
  },
);

describe('forward with batch statistics (train mode without dropout)', () => {
  const tiny = fixture.models[0];
  it.each(tiny.cases.map((entry) => [entry.config, entry] as const))(
    "gives jsc-tiny's train-mode logits of %s",
    (_config, entry) => {
      const graph = graphOf(entry.layers, fixture);
      const weights = weightsByName(tiny.weights);
      const logits = forward(graph, weights, x, fixture.rows, { batchStatistics: true });
      expectClose(logits, entry.trainLogits, 1e-5);
    },
  );
  it('refuses random dropout, whose masks belong to the engine', () => {
    const custom = fixture.models[1];
    const graph = graphOf(custom.floatLayers, fixture);
    expect(() =>
      forward(graph, weightsByName(custom.weights), x, fixture.rows, { batchStatistics: true }),
    ).toThrow(/node seq_blocks_5 drops 0.2 of its inputs at random/);
  });
});

describe('forward', () => {
  it('names the missing weight', () => {
    const model = fixture.models[0];
    const graph = graphOf(model.floatLayers, fixture);
    const weights = weightsByName(model.weights.filter((weight) => weight.name !== 'dense_1/bias'));
    expect(() => forward(graph, weights, x, fixture.rows)).toThrow(
      /weight "dense_1\/bias" of node seq_blocks_2 is missing/,
    );
  });
});
