// Time per proposal of each strategy: a 100-trial search on each committed benchmark, seeds 0..4,
// the benchmark's own evaluation in between (it costs microseconds), and the total a 100-trial
// search spends proposing. Run: npm run bench (or `node bench/proposals.mjs [trials]` after a
// build). Nothing here is asserted; the numbers are for the README and for spotting a slowdown.
import { performance } from 'node:perf_hooks';
import {
  braninBenchmark,
  bruteForce,
  nsga2,
  precisionBenchmark,
  randomSearch,
  tpe,
  zdt1Benchmark,
} from '../dist/index.js';

const TRIALS = Number(process.argv[2] ?? 100);
const SEEDS = [0, 1, 2, 3, 4];
const strategies = {
  random: () => randomSearch(),
  tpe: () => tpe(),
  nsga2: () => nsga2({ populationSize: 20 }),
};

function timeSearch(strategy, benchmark, seed) {
  const history = [];
  let spent = 0;
  for (let number = 0; number < TRIALS; number += 1) {
    const start = performance.now();
    const params = strategy.propose({
      space: benchmark.space,
      objectives: benchmark.objectives,
      history,
      seed,
      trialNumber: number,
    });
    spent += performance.now() - start;
    if (params === undefined) break;
    history.push({ number, params, state: 'complete', values: benchmark.evaluate(params) });
  }
  return spent;
}

console.log(`${TRIALS}-trial searches, seeds ${SEEDS.join(',')}; nsga2 with population 20`);
console.log('strategy  benchmark   ms/proposal  ms/search');
for (const benchmark of [precisionBenchmark, braninBenchmark, zdt1Benchmark]) {
  for (const [name, make] of Object.entries(strategies)) {
    const totals = SEEDS.map((seed) => timeSearch(make(), benchmark, seed)).sort((a, b) => a - b);
    const median = totals[Math.floor(totals.length / 2)];
    console.log(
      `${name.padEnd(9)} ${benchmark.name.padEnd(11)} ${(median / TRIALS).toFixed(3).padStart(11)}  ${median.toFixed(1).padStart(9)}`,
    );
  }
}
const finite = {
  a: { kind: 'ordinal', choices: [4, 8] },
  b: { kind: 'ordinal', choices: [2, 4, 8] },
  c: { kind: 'ordinal', choices: [2, 4, 8] },
};
const start = performance.now();
const history = [];
for (;;) {
  const params = bruteForce().propose({
    space: finite,
    objectives: [],
    history,
    seed: 0,
    trialNumber: history.length,
  });
  if (params === undefined) break;
  history.push({ number: history.length, params, state: 'complete', values: [] });
}
console.log(
  `brute-force: ${history.length} configurations in ${(performance.now() - start).toFixed(2)} ms`,
);
