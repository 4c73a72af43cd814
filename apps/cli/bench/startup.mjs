// Start-up of `ch` against Node itself (issue 21): whole processes, timed in turns in this one
// process (node -e 0, then each command, round after round) so that a machine that speeds up or
// slows down weighs on every command alike. Prints each command's median wall time and its ratio
// to the median of `node -e 0`, and fails when a ratio is over its target:
//   ch --help, ch --version   at most 1.5x
//   ch list                   at most 2.5x
//   ch runs (200 runs)        at most 3.5x
// The 200 runs are copies of one real run that `ch train mlp toy` writes first, each with its own
// id and batch size, so `ch runs` reads real run folders. Run: npm run bench -w machop (after a
// build), or `node bench/startup.mjs [rounds]`; `--no-check` prints without failing.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const ch = path.join(here, '..', 'bin', 'ch.js');
const words = process.argv.slice(2);
const ROUNDS = Number(words.find((word) => /^\d+$/.test(word)) ?? 11);
const CHECK = !words.includes('--no-check');
const RUNS = 200;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

function run(args, options = {}) {
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', ...options });
  if (result.status !== 0)
    throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr.trim()}`);
  return result;
}

/** A project of `RUNS` finished runs: one trained for real, the rest copies under new ids. */
function makeProject(root) {
  const projectDir = path.join(root, 'machop_output');
  run([ch, 'train', 'mlp', 'toy', '--max-epochs', '2', '--project', 'startup', '--name', 'r000'], {
    cwd: root,
  });
  const project = path.join(projectDir, 'startup');
  const [first] = readdirSync(project);
  for (let index = 1; index < RUNS; index++) {
    const id = `${first.replace(/_r000$/, '')}_r${String(index).padStart(3, '0')}`;
    const dir = path.join(project, id);
    cpSync(path.join(project, first), dir, { recursive: true });
    const configFile = path.join(dir, 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    config.runId = id;
    config.name = id.split('_').at(-1);
    config.options.batchSize = 2 ** (4 + (index % 5));
    writeFileSync(configFile, JSON.stringify(config, null, 2) + '\n');
  }
  return projectDir;
}

const root = mkdtempSync(path.join(os.tmpdir(), 'machop-startup-'));
try {
  const projectDir = makeProject(root);
  const commands = [
    { label: 'node -e 0', args: ['-e', '0'] },
    { label: 'ch --help', args: [ch, '--help'], target: 1.5 },
    { label: 'ch --version', args: [ch, '--version'], target: 1.5 },
    { label: 'ch list', args: [ch, 'list'], target: 2.5 },
    {
      label: `ch runs (${RUNS} runs)`,
      args: [ch, 'runs', '--project-dir', projectDir, '--project', 'startup'],
      target: 3.5,
    },
  ];
  const times = commands.map(() => []);
  // One warm-up round fills the file cache; it is not counted.
  for (let round = 0; round <= ROUNDS; round++) {
    commands.forEach((command, index) => {
      const start = performance.now();
      run(command.args, { cwd: root });
      if (round > 0) times[index].push(performance.now() - start);
    });
  }
  const node = median(times[0]);
  const missed = [];
  console.log(`start-up, median wall time of ${ROUNDS} rounds (${os.cpus().length} cores):`);
  commands.forEach((command, index) => {
    const ms = median(times[index]);
    const ratio = ms / node;
    const verdict =
      command.target === undefined ? '' : ratio <= command.target ? 'ok' : 'over target';
    if (verdict === 'over target') missed.push(command.label);
    console.log(
      `  ${command.label.padEnd(22)} ${ms.toFixed(1).padStart(7)} ms  ${ratio.toFixed(2).padStart(5)}x` +
        (command.target === undefined ? '' : `  (target ${command.target}x: ${verdict})`),
    );
  });
  if (CHECK && missed.length > 0) {
    console.error(`start-up over target: ${missed.join(', ')}`);
    process.exitCode = 1;
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
