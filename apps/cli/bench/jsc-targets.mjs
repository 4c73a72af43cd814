// The JSC-sized targets of issue 11, measured on a synthetic JSC-shaped file of the real size
// (830k rows, 248 MB of ARFF, ~530k training rows after duplicates are dropped), put in the
// cache where `ch` looks for OpenML data set 42468:
//   - loading and preparing the ARFF (read, verify, parse, dedupe, split, scale): under 3 s;
//   - one jsc-tiny epoch through `ch train` (data pipeline, validation, logging): under 2 s;
//   - peak memory (max RSS) of a jsc-s run on that data: under 400 MB.
// Every figure is the median of fresh processes (`ch` as a user runs it). The machine is shared,
// so each phase also times a fixed reference loop in the same command and prints `uptime`:
// read the figures against the reference. Run: npm run bench -w machop (after a build), or
// `node bench/jsc-targets.mjs [repeats]`; MACHOP_BENCH_CACHE keeps the generated file elsewhere.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ensureJscCache } from './jsc-data.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const ch = path.join(here, '..', 'bin', 'ch.js');
const REPEATS = Number(process.argv[2] ?? 3);
const cacheDir = process.env.MACHOP_BENCH_CACHE ?? path.join(os.tmpdir(), 'machop-bench-jsc');
const env = { ...process.env, MACHOP_CACHE_DIR: cacheDir, MACHOP_OPENML_URL: 'http://127.0.0.1:9' };

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const format = (values, digits = 2) =>
  `${median(values).toFixed(digits)} (runs: ${values.map((value) => value.toFixed(digits)).join(', ')})`;

/** Milliseconds of a fixed single-threaded loop: how busy the machine is right now. */
function reference() {
  const start = performance.now();
  let state = 1;
  for (let index = 0; index < 50_000_000; index++)
    state = (Math.imul(state, 1664525) + 1013904223) | 0;
  if (state === 42) console.log('');
  return performance.now() - start;
}

function load() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

function run(command, args, what) {
  const result = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (result.status !== 0)
    throw new Error(`${what} failed (${result.status}):\n${result.stderr}\n${result.stdout}`);
  return result;
}

/** One `ch train` in a fresh project folder: its summary, metrics and the process's max RSS. */
function train(model, extra) {
  const projectDir = mkdtempSync(path.join(os.tmpdir(), 'machop-bench-run-'));
  try {
    const args = [ch, 'train', model, 'jsc', '--max-epochs', '1', '--project-dir', projectDir];
    const started = performance.now();
    const result = run(
      '/usr/bin/time',
      ['-f', 'maxrss_kb=%M cpu=%U+%S', process.execPath, ...args, '--quiet', ...extra],
      `ch train ${model}`,
    );
    const wall = (performance.now() - started) / 1000;
    const maxRssKb = Number(/maxrss_kb=(\d+)/.exec(result.stderr)[1]);
    const [, user, system] = /cpu=([\d.]+)\+([\d.]+)/.exec(result.stderr);
    const [project] = readdirSync(projectDir);
    const [runId] = readdirSync(path.join(projectDir, project));
    const runDir = path.join(projectDir, project, runId);
    const summary = JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8'));
    const config = JSON.parse(readFileSync(path.join(runDir, 'config.json'), 'utf8'));
    const records = readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    // The epoch: from its lr record (logged as it starts) to its validation record.
    const first = records.find((record) => record.name === 'lr');
    const validated = records.find((record) => record.name === 'val_loss_epoch');
    return {
      wall,
      maxRssMB: maxRssKb / 1024,
      cpu: Number(user) + Number(system),
      epoch: validated.time - first.time,
      // The loop's whole session: shuffle, steps, validation, logging and checkpoint writes.
      session: summary.wallTimeSeconds,
      trainSeconds: summary.trainSeconds,
      samplesPerSecond: summary.samplesPerSecond,
      engine: config.engine.used,
      trainRows: config.data?.trainSize ?? config.data?.train ?? null,
      accuracy: summary.final.val_acc_epoch,
    };
  } finally {
    rmSync(projectDir, { recursive: true, force: true });
  }
}

const generated = performance.now();
const file = await ensureJscCache(cacheDir);
console.log(
  `data: ${file} (${((performance.now() - generated) / 1000).toFixed(1)} s to make or find)`,
);
console.log(`load average at start: ${load()}; ${os.cpus().length} cores`);

const loads = [];
const loadCpu = [];
const references = [];
let sizes;
for (let repeat = 0; repeat < REPEATS; repeat++) {
  references.push(reference());
  const result = run(process.execPath, [path.join(here, 'load-jsc.mjs')], 'loading JSC');
  sizes = JSON.parse(result.stdout);
  loads.push(sizes.seconds);
  loadCpu.push(sizes.cpuSeconds);
}
console.log(
  `\nload + prepare 830k-row ARFF (target < 3 s): ${format(loads)} s wall, ${format(loadCpu)} s CPU; peak RSS of the load ${sizes.maxRssMB.toFixed(0)} MB; splits train ${sizes.train}, validation ${sizes.validation}, test ${sizes.test}`,
);

for (const [model, extra, batch] of [
  ['jsc-tiny', ['--no-test'], '128 (default)'],
  ['jsc-tiny', ['--no-test', '--batch-size', '1024'], '1024'],
]) {
  const runs = [];
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    references.push(reference());
    runs.push(train(model, extra));
  }
  console.log(
    `\n${model} batch ${batch}, engine ${runs[0].engine}: one epoch (train + validation + logging; target < 2 s): ${format(runs.map((r) => r.epoch))} s; with the shuffle and checkpoint writes ${format(runs.map((r) => r.session))} s` +
      `\n  training steps alone ${format(runs.map((r) => r.trainSeconds))} s (${format(
        runs.map((r) => r.samplesPerSecond / 1e3),
        0,
      )} k samples/s); whole ch process ${format(runs.map((r) => r.wall))} s wall, ${format(runs.map((r) => r.cpu))} s CPU; val acc ${runs[0].accuracy.toFixed(4)}`,
  );
}

const memory = [];
for (let repeat = 0; repeat < REPEATS; repeat++) {
  references.push(reference());
  memory.push(train('jsc-s', []));
}
console.log(
  `\njsc-s, 1 epoch with test, engine ${memory[0].engine}: max RSS (target < 400 MB) ${format(
    memory.map((r) => r.maxRssMB),
    0,
  )} MB; epoch ${format(memory.map((r) => r.epoch))} s; whole process ${format(memory.map((r) => r.wall))} s wall, ${format(memory.map((r) => r.cpu))} s CPU`,
);
console.log(
  `\nreference loop before each run: ${format(references, 0)} ms; load average at end: ${load()}`,
);
