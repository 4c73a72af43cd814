import { describeModelConformance } from '@machop/trainer/testing';
import plugin from './index.js';

// Every model the plugin registers, through the same suite a third-party model runs.
for (const name of [
  'jsc-tiny',
  'jsc-toy',
  'jsc-s',
  'jsc-trt',
  'jsc-three-linear-layers',
  'jsc-custom',
  'mlp',
]) {
  describeModelConformance(name, { plugins: [plugin] });
}

describeModelConformance('mlp', {
  plugins: [plugin],
  options: { hidden: [12], activation: 'tanh', batchNorm: false, dropout: 0.3 },
});
describeModelConformance('mlp', {
  plugins: [plugin],
  options: { hidden: [20, 10, 5, 3], activation: 'selu', batchNorm: true, dropout: 0.1 },
});
