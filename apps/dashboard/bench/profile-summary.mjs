// Where a .cpuprofile (Chromium's or node --cpu-prof's) spent its time: the functions with the
// most self time, and the most total time. `node bench/profile-summary.mjs FILE [count]`.
import { readFileSync } from 'node:fs';

const [file, count = '25'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes)
  for (const child of node.children ?? []) parent.set(child, node.id);
const self = new Map();
const deltas = profile.timeDeltas;
profile.samples.forEach((id, index) =>
  self.set(id, (self.get(id) ?? 0) + (deltas[index + 1] ?? 0)),
);
const name = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber + 1}`;
};
const selfBy = new Map();
const totalBy = new Map();
for (const [id, micros] of self) {
  const key = name(byId.get(id));
  selfBy.set(key, (selfBy.get(key) ?? 0) + micros);
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const outer = name(byId.get(at));
    if (seen.has(outer)) continue;
    seen.add(outer);
    totalBy.set(outer, (totalBy.get(outer) ?? 0) + micros);
  }
}
const top = (map) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(count))
    .map(([key, micros]) => `${(micros / 1000).toFixed(0).padStart(7)} ms  ${key}`)
    .join('\n');
console.log(`self time:\n${top(selfBy)}\n\ntotal time:\n${top(totalBy)}`);
