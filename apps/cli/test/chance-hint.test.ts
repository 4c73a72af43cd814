// `ch sweep` says, per point, why validation accuracy ended near chance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJscProject, type JscProject } from './jsc-project.js';
import { runCh } from './run-ch.js';

let project: JscProject;
beforeAll(async () => {
  project = await startJscProject('machop-hint-', 4000);
});
afterAll(async () => {
  await project.close();
});

describe('ch sweep near chance', () => {
  it('hints per point: a larger learning rate for 1e-5, and "too large, diverged" for 10', async () => {
    const result = await runCh(
      ['sweep', 'jsc-tiny', 'jsc', '--grid', 'learning-rate=1e-5,10,1e-3'],
      { cwd: project.dir, env: project.env },
    );
    expect(result.code, result.stderr).toBe(0);
    const hints = result.stderr.split('\n').filter((line) => line.startsWith('hint: '));
    expect(hints).toHaveLength(2);
    expect(hints.find((hint) => hint.startsWith('hint: learning-rate=0.00001: '))).toMatch(
      /near chance .*: try a larger --learning-rate/,
    );
    const large = hints.find((hint) => hint.startsWith('hint: learning-rate=10: '))!;
    expect(large).toMatch(/near chance .*: the learning rate 10 is too large, training diverged/);
    expect(large).not.toContain('larger');
  }, 300_000);
});
