// Training and inference throughput of the fused engine, tfjs and PyTorch on the same data and
// recipe (Adam, lr 1e-3, softmax cross-entropy, batches in order), measured in this one command
// so that the ratios hold on a noisy machine. Training: one thread each. Inference at batch 4096,
// for every JSC model: the fused engine on one thread and on two (what validation, `ch test` and
// evaluation use from two cores on), PyTorch on one thread and on two, rounds interleaved and
// medians printed. Quantization-aware training (MASE's by-type linear 8/4) at batch 256 against
// float training, on the fused engine and in PyTorch with MASE's LinearInteger, after checking
// that both give the same first-step loss on the same weights. Run: npm run bench (or
// `node bench/engines.mjs [seconds] [rounds] [qat|infer]` after a build; `qat` or `infer` runs
// that section alone). PyTorch is measured when /usr/bin/python3 imports torch (Debian's python3-torch);
// otherwise its columns read "-".
//
// The tfjs column is the trainer's recipe on the trainer's backend (wasm with SIMD): a custom
// step (variableGrads inside tf.tidy, batch tensors built from typed arrays) with tfjs' Adam.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { initBackend, loadPlugins, mixSeed, setStepSeed, tf } from '@machop/core';
import modelsPlugin, { buildSequential } from '@machop/models';
import { jscEngine, jscLayers, jscRows, quantizeLinear } from '../dist/testing.js';
import { startTorch } from './torch.mjs';

const SECONDS = Number(process.argv[2] ?? 1.5);
const ROUNDS = Number(process.argv[3] ?? 3);
const ROWS = 65536;
const FEATURES = 16;
const CLASSES = 5;
const MODELS = ['jsc-tiny', 'jsc-custom', 'jsc-s'];
const JSC_MODELS = [
  'jsc-tiny',
  'jsc-toy',
  'jsc-s',
  'jsc-trt',
  'jsc-three-linear-layers',
  'jsc-custom',
];
const TRAIN_BATCHES = [64, 256, 1024];
/** Quantization-aware training: MASE's by-type linear config (8/4) at batch 256. */
const QAT_MODELS = ['jsc-tiny', 'jsc-s', 'jsc-custom'];
const QAT_FORMAT = { width: 8, frac: 4 };
const QAT_BATCH = 256;
/** `node bench/engines.mjs SECONDS ROUNDS qat` (or `infer`) measures that section alone. */
const ONLY = process.argv[4];
const INFER_BATCH = 4096;

await initBackend();
await loadPlugins([modelsPlugin]);

// JSC-shaped data: 16 standardised features, 5 classes that depend on them.
const { x, y } = jscRows(1, ROWS);

/** Samples/s of `pass(start, batch)` over whole passes through the rows, for at least SECONDS. */
function measure(batch, step) {
  const steps = Math.floor(ROWS / batch);
  const pass = (limit) => {
    for (let index = 0; index < limit; index++) step(index * batch, index);
  };
  pass(Math.min(steps, 20));
  let samples = 0;
  const began = performance.now();
  while (samples === 0 || performance.now() - began < SECONDS * 1000) {
    pass(steps);
    samples += steps * batch;
  }
  return (samples * 1000) / (performance.now() - began);
}

const layersOf = (name) => jscLayers(name, 0);

function fused(name, mode, batch, threads = 1, quant = undefined) {
  const engine = jscEngine(name, 0, { evaluationThreads: threads, quant });
  try {
    if (mode === 'infer') {
      const logits = new Float32Array(batch * CLASSES);
      return measure(batch, (start) =>
        engine.evaluate(x.subarray(start * FEATURES), batch, logits),
      );
    }
    return measure(batch, (start, index) => {
      setStepSeed(mixSeed(0, index));
      engine.step(x.subarray(start * FEATURES), y.subarray(start), batch).loss();
    });
  } finally {
    engine.dispose();
  }
}

function tfjs(name, mode, batch) {
  const model = buildSequential(layersOf(name), { features: FEATURES, seed: 0, tf });
  const variables = model.trainableWeights.map((weight) => weight.read());
  const optimizer = tf.train.adam(1e-3);
  const inputs = (start) =>
    tf.tensor2d(x.subarray(start * FEATURES, (start + batch) * FEATURES), [batch, FEATURES]);
  try {
    if (mode === 'infer')
      return measure(batch, (start) =>
        tf.tidy(() => model.apply(inputs(start), { training: false }).dataSync()),
      );
    return measure(batch, (start, index) => {
      setStepSeed(mixSeed(0, index));
      tf.tidy(() => {
        const features = inputs(start);
        const targets = tf.oneHot(tf.tensor1d(y.subarray(start, start + batch), 'int32'), CLASSES);
        const { value, grads } = tf.variableGrads(
          () => tf.losses.softmaxCrossEntropy(targets, model.apply(features, { training: true })),
          variables,
        );
        optimizer.applyGradients(grads);
        value.dataSync();
      });
    });
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const dir = mkdtempSync(path.join(os.tmpdir(), 'machop-bench-'));
const torch = await startTorch({ dir, x, y, features: FEATURES, seconds: SECONDS });
const format = (value) => (value === undefined ? '-' : `${Math.round(value / 1000)}k`);
const ratio = (a, b) => (a === undefined || b === undefined ? '-' : `${(a / b).toFixed(2)}x`);
/** Print `rows` as a table whose columns line up. */
function table(rows) {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  console.log(
    '\n' +
      rows
        .map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  '))
        .join('\n') +
      '\n',
  );
}

console.log(`load average at start: ${loadAverage()}; ${os.availableParallelism()} cores`);
if (torch) console.log(`PyTorch ${torch.version} with BLAS ${torch.blas}`);
if (torch?.referenceBlas) {
  console.log(
    'warning: PyTorch runs on the reference BLAS, about 10x slower than OpenBLAS on these ' +
      'products, so every ratio against it is flattered; install libopenblas0-pthread for a fair reference',
  );
}
if (ONLY === undefined) {
  console.log(
    `training: samples/s, one thread each, ${ROWS} JSC-shaped rows, Adam; tfjs on ${tf.getBackend()}; at least ${SECONDS} s each`,
  );
  const training = [['model', 'batch', 'fused', 'tfjs', 'pytorch', 'fused/pytorch', 'fused/tfjs']];
  for (const name of MODELS)
    for (const batch of TRAIN_BATCHES) {
      const fusedRate = fused(name, 'train', batch);
      const tfjsRate = tfjs(name, 'train', batch);
      const torchRate = await torch?.measure(name, layersOf(name), 'train', batch);
      training.push([
        name,
        String(batch),
        format(fusedRate),
        format(tfjsRate),
        format(torchRate),
        ratio(fusedRate, torchRate),
        ratio(fusedRate, tfjsRate),
      ]);
      console.log(training.at(-1).join('\t'));
    }
  table(training);
}

if (ONLY === undefined || ONLY === 'infer') {
  console.log(
    `inference at batch ${INFER_BATCH}: samples/s, medians of ${ROUNDS} interleaved rounds of at least ${SECONDS} s; 1t/2t = one/two threads`,
  );
  const inference = [
    [
      'model',
      'fused 1t',
      'fused 2t',
      'tfjs',
      'pytorch 1t',
      'pytorch 2t',
      'fused 2t/pytorch 1t',
      'fused 2t/pytorch 2t',
      'fused 2t/1t',
    ],
  ];
  for (const name of JSC_MODELS) {
    const rounds = { one: [], two: [], torchOne: [], torchTwo: [] };
    for (let round = 0; round < ROUNDS; round++) {
      rounds.one.push(fused(name, 'infer', INFER_BATCH, 1));
      rounds.two.push(fused(name, 'infer', INFER_BATCH, 2));
      if (torch) {
        rounds.torchOne.push(await torch.measure(name, layersOf(name), 'infer', INFER_BATCH, 1));
        rounds.torchTwo.push(await torch.measure(name, layersOf(name), 'infer', INFER_BATCH, 2));
      }
    }
    const one = median(rounds.one);
    const two = median(rounds.two);
    const torchOne = torch ? median(rounds.torchOne) : undefined;
    const torchTwo = torch ? median(rounds.torchTwo) : undefined;
    inference.push([
      name,
      format(one),
      format(two),
      format(tfjs(name, 'infer', INFER_BATCH)),
      format(torchOne),
      format(torchTwo),
      ratio(two, torchOne),
      ratio(two, torchTwo),
      ratio(two, one),
    ]);
    console.log(inference.at(-1).join('\t'));
  }
  table(inference);
}

if (ONLY === undefined || ONLY === 'qat') await qatSection();

console.log(`load average at end: ${loadAverage()}`);
torch?.close();
rmSync(dir, { recursive: true, force: true });

/**
 * QAT against float training on the fused engine and in PyTorch with MASE's LinearInteger, rounds
 * interleaved. First, PyTorch's model must give the fused engine's first-step loss on the same
 * weights and rows, or its speed would be that of some other computation.
 */
async function qatSection() {
  console.log(
    `quantization-aware training (${QAT_FORMAT.width}/${QAT_FORMAT.frac} linear, MASE's LinearInteger in PyTorch) against float training, batch ${QAT_BATCH}: samples/s, medians of ${ROUNDS} interleaved rounds; load average ${loadAverage()}`,
  );
  const qatLayers = (name) => quantizeLinear(layersOf(name), QAT_FORMAT);
  if (torch)
    for (const name of QAT_MODELS) {
      const engine = jscEngine(name, 0, { quant: QAT_FORMAT });
      const weights = engine.getWeights();
      setStepSeed(mixSeed(0, 0));
      const fusedLoss = engine.step(x, y, QAT_BATCH).loss();
      engine.dispose();
      const torchLoss = await torch.firstLoss(name, qatLayers(name), weights, QAT_BATCH, 0);
      const difference = Math.abs(fusedLoss - torchLoss);
      console.log(
        `first-step loss, ${name}: fused ${fusedLoss.toFixed(6)}, pytorch ${torchLoss.toFixed(6)}, difference ${difference.toExponential(1)}`,
      );
      if (!(difference <= 1e-4))
        throw new Error(
          `PyTorch's quantized ${name} differs from the fused engine's by ${difference}; fix bench/torch_bench.py before trusting its speed`,
        );
    }
  const qat = [
    [
      'model',
      'fused float',
      'fused qat',
      'qat/float',
      'pytorch float',
      'pytorch qat',
      'pytorch qat/float',
      'fused qat/pytorch qat',
    ],
  ];
  for (const name of QAT_MODELS) {
    const rounds = { float: [], qat: [], torchFloat: [], torchQat: [] };
    for (let round = 0; round < ROUNDS; round++) {
      rounds.float.push(fused(name, 'train', QAT_BATCH));
      rounds.qat.push(fused(name, 'train', QAT_BATCH, 1, QAT_FORMAT));
      if (torch) {
        rounds.torchFloat.push(await torch.measure(name, layersOf(name), 'train', QAT_BATCH));
        rounds.torchQat.push(await torch.measure(name, qatLayers(name), 'train', QAT_BATCH));
      }
    }
    const [floatRate, qatRate] = [median(rounds.float), median(rounds.qat)];
    const torchFloat = torch ? median(rounds.torchFloat) : undefined;
    const torchQat = torch ? median(rounds.torchQat) : undefined;
    qat.push([
      name,
      format(floatRate),
      format(qatRate),
      ratio(qatRate, floatRate),
      format(torchFloat),
      format(torchQat),
      ratio(torchQat, torchFloat),
      ratio(qatRate, torchQat),
    ]);
    console.log(qat.at(-1).join('\t'));
  }
  table(qat);
}
