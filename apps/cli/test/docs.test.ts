import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCh } from './run-ch.js';

const REPO = path.resolve(import.meta.dirname, '..', '..', '..');

describe.each([
  ['plugins.md', 3],
  ['queue.md', 2],
])('docs/%s', (file, examples) => {
  it('is linked from the README', async () => {
    const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
    expect(readme).toContain(`[docs/${file}](docs/${file})`);
  });

  it('uses only commands and flags that ch has', async () => {
    const text = await readFile(path.join(REPO, 'docs', file), 'utf8');
    const lines = [...text.matchAll(/^npx ch (\w+)(.*)$/gm)];
    expect(lines.length).toBeGreaterThan(examples);
    for (const [, command, rest] of lines) {
      const help = await runCh([command, '--help'], { cwd: REPO });
      expect(help.code, `ch ${command} --help`).toBe(0);
      const flags = rest.replace(/#.*$/, '').match(/--[a-z-]+/g) ?? [];
      for (const flag of flags) expect(help.stdout, `ch ${command} ${flag}`).toContain(flag);
    }
  });
});
