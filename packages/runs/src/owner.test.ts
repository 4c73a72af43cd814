import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

// @machop/runs is the one owner of the run-folder format: no other package's code names a run
// folder's files (it asks runPaths, RunWriter and the readers here), so the layout can change in
// one place. Tests and their fixtures may build folders by hand.
const WORKSPACE = path.resolve(import.meta.dirname, '..', '..', '..');
const NAMES =
  /['"`](config\.json|summary\.json|test\.json|metrics\.jsonl|checkpoints)['"`]|checkpoints['"`], ['"`](best|last)/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return name === 'node_modules' ? [] : sources(file);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [file] : [];
  });
}

it('leaves every run-folder file name to @machop/runs', () => {
  const offenders = ['packages', 'apps']
    .flatMap((group) =>
      readdirSync(path.join(WORKSPACE, group)).map((name) =>
        path.join(WORKSPACE, group, name, 'src'),
      ),
    )
    .filter(
      (dir) =>
        !dir.includes(`${path.sep}runs${path.sep}`) && statSync(dir, { throwIfNoEntry: false }),
    )
    .flatMap(sources)
    .filter((file) => NAMES.test(readFileSync(file, 'utf8')))
    .map((file) => path.relative(WORKSPACE, file));
  expect(offenders).toEqual([]);
});
