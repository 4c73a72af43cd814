// What the page's main thread did in a Chromium trace (bench with BENCH_PROFILE): time per
// top-level event name (parse, script, layout, paint...). `node bench/trace-summary.mjs FILE`.
import { readFileSync } from 'node:fs';

const trace = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const events = trace.traceEvents ?? trace;
const main = events.find(
  (event) => event.name === 'thread_name' && event.args?.name === 'CrRendererMain',
);
const onMain = events.filter(
  (event) => event.pid === main?.pid && event.tid === main?.tid && event.ph === 'X' && event.dur,
);
const totals = new Map();
for (const event of onMain) {
  const key =
    event.name === 'FunctionCall' || event.name === 'EvaluateScript' ? event.name : event.name;
  totals.set(key, (totals.get(key) ?? 0) + event.dur);
}
for (const [name, micros] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 30))
  console.log(`${(micros / 1000).toFixed(0).padStart(7)} ms  ${name}`);
