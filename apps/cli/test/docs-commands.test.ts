// SLOW (a few minutes): every `ch` command of README.md and docs/lab1.md to docs/lab3.md, read from the pages
// themselves, run in order on JSC-shaped data from a loopback OpenML server (the data the
// figures of docs/lab1.md were made with), scaled down to one seed and two swept values.
import { existsSync } from 'node:fs';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { docCommands, scaleDown } from './doc-commands.js';
import { startJscProject } from './jsc-project.js';
import { runCh } from './run-ch.js';

const REPO = path.resolve(import.meta.dirname, '..', '..', '..');

/** `machop_output/lab1/<run-id>` with the newest run of that project in place of `<run-id>`. */
async function fillRunId(arg: string, cwd: string): Promise<string> {
  if (!arg.includes('<run-id>')) return arg;
  const project = path.join(cwd, arg.slice(0, arg.indexOf('<run-id>')));
  // A project also holds its sweeps and `ch transform`'s software/ folder, which are not runs.
  const runs = (await readdir(project))
    .filter((name) => name !== 'sweeps' && name !== 'software')
    .sort();
  expect(runs.length, `a run in ${project}`).toBeGreaterThan(0);
  return arg.replace('<run-id>', runs.at(-1)!);
}

describe.each(['README.md', 'docs/lab1.md', 'docs/lab2.md', 'docs/lab3.md'])(
  'the ch commands of %s',
  (page) => {
    it('run as shown, at learning rates that learn (slow)', async () => {
      const { commands, files } = docCommands(await readFile(path.join(REPO, page), 'utf8'));
      expect(commands.length).toBeGreaterThan(3);
      const project = await startJscProject('machop-docs-', 4000);
      try {
        for (const file of files) await writeFile(path.join(project.dir, file.name), file.text);
        for (const { line, args } of commands) {
          const scaled = await Promise.all(
            scaleDown(args).map(async (arg) => {
              // Files of this repository that a command names (the wine CSV) are copied in place.
              if (!arg.startsWith('-') && arg.includes('/') && existsSync(path.join(REPO, arg)))
                await cp(path.join(REPO, arg), path.join(project.dir, arg));
              return fillRunId(arg, project.dir);
            }),
          );
          const result = await runCh(scaled, {
            cwd: project.dir,
            env: project.env,
            timeoutMs: 300_000,
          });
          const shown = `${line}\n(ran: ch ${scaled.join(' ')})\n${result.stderr}`;
          expect(result.code, shown).toBe(0);
          const hints = result.stderr.split('\n').filter((text) => text.includes('hint:'));
          // Outside a learning-rate study, no run may end near chance for want of a learning rate
          // that learns. A seed whose loss fell while jsc-tiny's final ReLU tied its outputs is
          // the model's known failure, which the hint names apart.
          if (!/--grid learning-rate=/.test(line))
            expect(
              hints.filter((hint) => !hint.includes('the model learned but its outputs tie')),
              shown,
            ).toEqual([]);
          // A learning rate of 0.1 or more is not too small, whatever else went wrong with it.
          for (const hint of hints)
            if (Number(/learning-rate=([\d.e+-]+)/.exec(hint)?.[1]) >= 0.1)
              expect(hint, shown).not.toContain('larger --learning-rate');
        }
      } finally {
        await project.close();
      }
    }, 900_000);
  },
);
