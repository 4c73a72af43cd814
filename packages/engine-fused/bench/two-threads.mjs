// Does the second thread pay? The fused engine with `threads: 2` splits every training batch
// into two halves whose batch-norm statistics and gradients it merges within the step. This
// measures, on the same rows, one thread against two threads with the second half
//   worker  always on the worker thread,
//   here    always on this thread, after the first half (what a busy machine falls back to),
//   auto    placed by the engine's own measurements as it trains (the default),
// and how many of auto's steps ran on the worker. All four take the same steps up to rounding
// (`here`, `worker` and `auto` bit-identically). Rounds are interleaved and medians printed; the
// load average is printed because a second thread only pays when a core is free.
// Run after a build: node bench/two-threads.mjs [seconds per cell] [models] [batch sizes].
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createRandom, getRegistry, loadPlugins, mixSeed, setStepSeed } from '@machop/core';
import modelsPlugin from '@machop/models';
import { denseMultiplyAdds, planModel, suggestThreads } from '../dist/index.js';
import { jscEngine } from '../dist/testing.js';

const FEATURES = 16;
const CLASSES = 5;
const ROWS = 65536;
const seconds = Number(process.argv[2] ?? 0.5);
const MODELS = (process.argv[3] ?? 'jsc-tiny,jsc-custom,jsc-s').split(',');
const BATCHES = (process.argv[4] ?? '64,256,1024,4096').split(',').map(Number);
const MODES = [
  ['one', 1, undefined],
  ['worker', 2, 'worker'],
  ['here', 2, 'here'],
  ['auto', 2, 'auto'],
];

await loadPlugins([modelsPlugin]);

const random = createRandom(1);
const x = new Float32Array(ROWS * FEATURES);
const y = new Int32Array(ROWS);
for (let index = 0; index < x.length; index++) x[index] = (random() - 0.5) * 4;
for (let row = 0; row < ROWS; row++) y[row] = Math.floor(random() * CLASSES);

let step = 0;
/** Samples a second of `engine` stepping batches of `batch` rows for about `ms` milliseconds. */
function rate(engine, batch, ms) {
  const perPass = Math.floor(ROWS / batch);
  const began = performance.now();
  let samples = 0;
  while (performance.now() - began < ms) {
    const start = (step % perPass) * batch;
    setStepSeed(mixSeed(0, step++));
    engine.step(x.subarray(start * FEATURES), y.subarray(start), batch);
    samples += batch;
  }
  return (samples * 1000) / (performance.now() - began);
}

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const cores = availableParallelism();
console.log(`load average at start: ${load()}; ${cores} cores`);
console.log(
  '\nmodel       batch  work/step  auto  one (k/s)  worker   here   auto (ratios to one)  auto on worker',
);
for (const name of MODELS) {
  const layers = getRegistry()
    .models.get(name)
    .layers({ features: FEATURES, classes: CLASSES, options: {}, seed: 0 });
  const plan = planModel(layers, { features: FEATURES, classes: CLASSES, seed: 0 });
  for (const batch of BATCHES) {
    const engines = MODES.map(([, threads, placement]) =>
      jscEngine(name, 0, { threads, placement }),
    );
    for (const engine of engines) rate(engine, batch, 100); // warm up
    const results = engines.map(() => []);
    for (let round = 0; round < 3; round++)
      engines.forEach((engine, index) => results[index].push(rate(engine, batch, seconds * 1000)));
    const [one, ...two] = results.map(median);
    const { worker, steps } = engines[3].workerSteps;
    console.log(
      `${name.padEnd(10)} ${String(batch).padStart(6)} ${String(batch * denseMultiplyAdds(plan)).padStart(10)} ${String(suggestThreads(plan, batch, cores)).padStart(5)} ${(one / 1e3).toFixed(0).padStart(10)} ${two.map((value) => (value / one).toFixed(2).padStart(7)).join('')}  ${`${Math.round((100 * worker) / steps)}%`.padStart(21)}`,
    );
    for (const engine of engines) engine.dispose();
  }
}
console.log(`\nload average at end: ${load()}`);
