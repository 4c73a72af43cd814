// One load of JSC through the registry, as `ch train` does it, in a fresh process: prints the
// seconds (wall and CPU) and the split sizes as JSON. Run by jsc-targets.mjs with MACHOP_CACHE_DIR set.
import { performance } from 'node:perf_hooks';
import { getRegistry, loadPlugins, resolveEntryOptions } from '@machop/core';
import datasetsPlugin from '@machop/datasets';

await loadPlugins([datasetsPlugin]);
const entry = getRegistry().datasets.get('jsc');
const start = performance.now();
const cpuStart = process.cpuUsage();
const data = await entry.load({
  options: resolveEntryOptions('dataset', entry, {}),
  split: { seed: 42, testFraction: 0.2, valFraction: 0.1 },
  cacheDir: process.env.MACHOP_CACHE_DIR,
  reporter: { info() {} },
});
const seconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpuStart);
process.stdout.write(
  JSON.stringify({
    seconds,
    // On a shared machine the wall time waits for a core; CPU time is what the load itself costs.
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    train: data.train.size,
    validation: data.validation.size,
    test: data.test.size,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  }) + '\n',
);
