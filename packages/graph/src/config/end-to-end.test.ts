import { describe, expect, it } from 'vitest';
import { readQuantFixture } from '../fixture.js';
import { forward, graphOf, layersOf, readMaseConfig, runPasses, weightsByName } from '../index.js';

const fixture = readQuantFixture();

// The fixture's "fixed-floor-relu" case, written as a MASE user would write it.
const toml = `
model = "jsc-custom"
[passes.quantize]
by = "type"
[passes.quantize.default.config]
name = "NA"
[passes.quantize.linear.config]
name = "fixed"
data_in_width = 8
data_in_frac_width = 4
weight_width = 6
weight_frac_width = 3
bias_width = 8
bias_frac_width = "NA"
data_out_width = 8
data_out_frac_width = 4
floor = true
[passes.quantize.relu.config]
name = "integer"
data_in_width = 8
data_in_frac_width = 4
`;

describe('a MASE TOML, read and run, gives what PyTorch gives', () => {
  const config = readMaseConfig(toml, 'fixed.toml');
  it.each(fixture.models.map((model) => [model.model, model] as const))(
    'on %s: the same layers and eval-mode logits as the fixture',
    (_name, model) => {
      const expected = model.cases.find((entry) => entry.config === 'fixed-floor-relu')!;
      const { graph } = runPasses(graphOf(model.floatLayers, fixture), config.passes);
      // The fixture holds the arithmetic; the config's name for it ("fixed") is kept beside it.
      const layers = layersOf(graph).map((layer) => {
        if (layer.type !== 'dense' || !layer.quant) return layer;
        expect(layer.quant.arithmetic).toBe('fixed');
        const { arithmetic: _name, ...quant } = layer.quant;
        return { ...layer, quant };
      });
      expect(layers).toEqual(expected.layers);
      const logits = forward(graph, weightsByName(model.weights), Float32Array.from(fixture.x), 8);
      const worst = Math.max(...expected.evalLogits.map((value, i) => Math.abs(value - logits[i])));
      expect(worst).toBeLessThan(1e-5);
    },
  );
});
