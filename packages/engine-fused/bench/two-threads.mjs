// Does a second thread pay for training these models? Data-parallel training with two workers
// splits each batch in halves, one per thread, and must meet once per step to average the
// gradients before the update. This measures the most such a scheme can gain on this machine,
// with the fused engine's real steps:
//   one      one thread, steps of the whole batch (what `ch train` does);
//   two      two threads, each stepping its half-batch on its own rows, never waiting: the
//            ceiling of any two-thread split (it leaves out the averaging itself);
//   two+sync the same, with one barrier per step (SharedArrayBuffer + Atomics), the least
//            synchronisation gradient averaging needs (double-buffered gradients).
// and the round trip of one Atomics ping-pong between the threads (median and 99th percentile).
// Run after a build: node bench/two-threads.mjs [seconds]. The machine is shared: the load
// average is printed; read the ratios, which are measured in the same command.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { createRandom, getRegistry, loadPlugins, mixSeed, setStepSeed } from '@machop/core';
import modelsPlugin from '@machop/models';
import { FusedEngine } from '../dist/index.js';

const FEATURES = 16;
const CLASSES = 5;
const ROWS = 65536;
const MODELS = ['jsc-tiny', 'jsc-custom', 'jsc-s'];
const BATCHES = [256, 1024, 4096];

await loadPlugins([modelsPlugin]);

function data(seed) {
  const random = createRandom(seed);
  const x = new Float32Array(ROWS * FEATURES);
  const y = new Int32Array(ROWS);
  for (let index = 0; index < x.length; index++) x[index] = (random() - 0.5) * 4;
  for (let row = 0; row < ROWS; row++) y[row] = Math.floor(random() * CLASSES);
  return { x, y };
}

function engineFor(name) {
  const layers = getRegistry()
    .models.get(name)
    .layers({ features: FEATURES, classes: CLASSES, options: {}, seed: 0 });
  return new FusedEngine({
    layers,
    features: FEATURES,
    classes: CLASSES,
    seed: 0,
    optimizer: { kind: 'adam', learningRate: 1e-3, weightDecay: 0 },
  });
}

/** Both threads arrive; the second to arrive releases the first. `control[0]` counts arrivals. */
function barrier(control, generation) {
  const target = generation * 2;
  if (Atomics.add(control, 0, 1) + 1 === target) Atomics.notify(control, 0);
  else for (let seen; (seen = Atomics.load(control, 0)) < target;) Atomics.wait(control, 0, seen);
}

/** `steps` steps of `batch` rows; with `control`, a barrier after each (generations from `from`). */
function run(engine, rows, batch, steps, control, from) {
  const perPass = Math.floor(ROWS / batch);
  for (let step = 0; step < steps; step++) {
    const start = (step % perPass) * batch;
    setStepSeed(mixSeed(0, step));
    engine.step(rows.x.subarray(start * FEATURES), rows.y.subarray(start), batch);
    if (control) barrier(control, from + step + 1);
  }
}

if (!isMainThread) {
  // The second thread: waits for orders on the control words, runs them, answers.
  const { control, rows: seed } = workerData;
  const rows = data(seed);
  const engines = new Map();
  parentPort.on('message', (order) => {
    if (order.kind === 'pingpong') {
      for (let round = 1; round <= order.rounds; round++) barrier(control, order.from + round);
      parentPort.postMessage('done');
      return;
    }
    if (!engines.has(order.name)) engines.set(order.name, engineFor(order.name));
    const engine = engines.get(order.name);
    run(engine, rows, order.batch, 3, undefined, 0); // warm up
    barrier(control, order.from + 1);
    run(engine, rows, order.batch, order.steps, order.sync ? control : undefined, order.from + 1);
    barrier(control, order.from + (order.sync ? order.steps : 0) + 2);
    parentPort.postMessage('done');
  });
} else {
  const seconds = Number(process.argv[2] ?? 1);
  const control = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(new URL(import.meta.url), { workerData: { control, rows: 2 } });
  const rows = data(1);
  const engines = new Map();
  let generation = 0;
  const finished = () => new Promise((resolve) => worker.once('message', resolve));
  const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

  // Ping-pong: the main thread blocks in Atomics.wait, so time each round trip here.
  async function pingpong(rounds) {
    const times = [];
    const done = finished();
    worker.postMessage({ kind: 'pingpong', rounds, from: generation });
    for (let round = 1; round <= rounds; round++) {
      const began = performance.now();
      barrier(control, generation + round);
      times.push((performance.now() - began) * 1000);
    }
    generation += rounds;
    await done;
    times.sort((a, b) => a - b);
    return { median: times[rounds >> 1], p99: times[Math.floor(rounds * 0.99)] };
  }

  async function measure(name, batch, mode) {
    if (!engines.has(name)) engines.set(name, engineFor(name));
    const engine = engines.get(name);
    const size = mode === 'one' ? batch : batch / 2;
    // Steps for about `seconds` of the single thread, from a short trial.
    const trial = performance.now();
    run(engine, rows, batch, 5, undefined, 0);
    const perStep = (performance.now() - trial) / 5;
    const steps = Math.max(10, Math.round((seconds * 1000) / perStep));
    if (mode === 'one') {
      const began = performance.now();
      run(engine, rows, size, steps, undefined, 0);
      return (steps * batch * 1000) / (performance.now() - began);
    }
    const sync = mode === 'two+sync';
    const done = finished();
    worker.postMessage({ kind: 'train', name, batch: size, steps, sync, from: generation });
    run(engine, rows, size, 3, undefined, 0);
    barrier(control, generation + 1);
    const began = performance.now();
    run(engine, rows, size, steps, sync ? control : undefined, generation + 1);
    // Generations are consecutive: the barrier counts arrivals.
    const last = generation + (sync ? steps : 0) + 2;
    barrier(control, last);
    const elapsed = performance.now() - began;
    generation = last;
    await done;
    return (steps * batch * 1000) / elapsed;
  }

  const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`load average at start: ${load()}`);
  const ping = [];
  for (let repeat = 0; repeat < 3; repeat++) ping.push(await pingpong(2000));
  console.log(
    `Atomics barrier round trip between two threads: median ${median(ping.map((p) => p.median)).toFixed(1)} µs, p99 ${median(ping.map((p) => p.p99)).toFixed(1)} µs`,
  );
  console.log(
    '\nmodel       batch   one (k/s)   two (k/s)  two+sync (k/s)   two/one  two+sync/one',
  );
  for (const name of MODELS) {
    for (const batch of BATCHES) {
      // Three rounds, interleaved, medians: the modes see the same load.
      const results = { one: [], two: [], 'two+sync': [] };
      for (let repeat = 0; repeat < 3; repeat++)
        for (const mode of Object.keys(results))
          results[mode].push(await measure(name, batch, mode));
      const [one, two, synced] = Object.values(results).map(median);
      console.log(
        `${name.padEnd(10)} ${String(batch).padStart(6)} ${(one / 1e3).toFixed(0).padStart(11)} ${(two / 1e3).toFixed(0).padStart(11)} ${(synced / 1e3).toFixed(0).padStart(15)} ${(two / one).toFixed(2).padStart(9)} ${(synced / one).toFixed(2).padStart(13)}`,
      );
    }
  }
  console.log(`\nload average at end: ${load()}`);
  await worker.terminate();
}
