import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Module files a fresh process has loaded after requiring `specifiers` (the built packages). */
function loadedBy(...specifiers: string[]): string[] {
  const output = execFileSync(
    process.execPath,
    [
      '-e',
      `for (const name of ${JSON.stringify(specifiers)}) require(name);
       process.stdout.write(JSON.stringify(Object.keys(require.cache)));`,
    ],
    { cwd: import.meta.dirname, encoding: 'utf8' },
  );
  return JSON.parse(output) as string[];
}

// A package that only plans sweeps and reads their runs must not pull in tfjs: `ch sweep --status`,
// `ch runs` and the dashboard load it, and tfjs costs them most of their start-up.
describe('importing @machop/sweep', () => {
  it('loads neither the trainer nor an engine, nor any tfjs module its own dependencies do not', () => {
    const files = loadedBy('@machop/sweep', '@machop/sweep/queue', '@machop/sweep/worker');
    expect(files.some((file) => /[/\\]sweep[/\\]dist[/\\]/.test(file))).toBe(true);
    expect(files.filter((file) => /[/\\](trainer|engine-[^/\\]+)[/\\]/.test(file))).toEqual([]);
    // What @machop/core loads today (its `tf` export) is core's to trim; the sweep adds none.
    const tensorflow = (list: string[]) => list.filter((file) => file.includes('@tensorflow'));
    const ofDependencies = new Set(tensorflow(loadedBy('@machop/core', '@machop/runs')));
    expect(tensorflow(files).filter((file) => !ofDependencies.has(file))).toEqual([]);
  });
});
