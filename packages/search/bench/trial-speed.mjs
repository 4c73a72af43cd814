// Time of one post-training trial: jsc-s (MASE's module_list layers) quantized by type and
// evaluated on 50k rows, on the golden model and on the fused engine, each the median of 7.
// Run after a build: `node bench/trial-speed.mjs`. Nothing is asserted; the numbers are for the
// README (the issue asks under 50 ms on an idle 2-core machine; load skews them, so it prints it).
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { graphOf, quantizeGraph } from '@machop/graph';
import { evaluateGraph, fusedLogits, goldenLogits } from '../dist/index.js';

const ROWS = 50_000;
const JSC_S = [
  { type: 'batchNorm' },
  { type: 'activation', activation: 'relu' },
  { type: 'dense', units: 64 },
  { type: 'batchNorm' },
  { type: 'activation', activation: 'relu' },
  { type: 'dense', units: 32 },
  { type: 'activation', activation: 'relu' },
  { type: 'dense', units: 32 },
  { type: 'activation', activation: 'relu' },
  { type: 'dense', units: 5 },
];
const float = graphOf(JSC_S, { features: 16, classes: 5 }, { prefix: 'module_list' });
const graph = quantizeGraph(float, {
  by: 'type',
  linear: { config: { name: 'integer', data_in_width: 8, weight_width: 4, bias_width: 8 } },
}).graph;
const weights = new Map();
for (const node of graph.nodes)
  for (const argument of Object.values(node.args)) {
    if (!argument.weightName) continue;
    const size = argument.shape.reduce((product, dimension) => product * dimension, 1);
    const variance = argument.weightName.endsWith('moving_variance');
    weights.set(
      argument.weightName,
      Float32Array.from({ length: size }, (_, index) => (variance ? 1 : Math.sin(index) * 0.3)),
    );
  }
const split = {
  x: Float32Array.from({ length: ROWS * 16 }, (_, index) => Math.cos(index * 0.37)),
  y: Int32Array.from({ length: ROWS }, (_, index) => index % 5),
  size: ROWS,
};
const median = (times) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
for (const [name, logitsOf] of [
  ['fused engine', await fusedLogits()],
  ['golden model', goldenLogits],
]) {
  const times = [];
  for (let repeat = 0; repeat < 7; repeat++) {
    const start = performance.now();
    evaluateGraph(graph, weights, split, 32, logitsOf);
    times.push(performance.now() - start);
  }
  console.log(
    `jsc-s, ${ROWS} rows, ${name}: ${median(times).toFixed(1)} ms per trial (median of 7)`,
  );
}
console.log(
  `load average: ${os
    .loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')} on ${os.cpus().length} cores`,
);
