import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkWorkspace, packageOf } from './check-deps.mjs';

const folders: string[] = [];
afterAll(async () => {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

async function workspace(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'check-deps-'));
  folders.push(root);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), text);
  }
  return root;
}

describe('check-deps', () => {
  it('names package imports, not paths, builtins or node: modules', () => {
    expect(
      ['@scope/name/sub', 'lodash/fp', './local.js', 'node:fs', 'fs', 'path/posix'].map(packageOf),
    ).toEqual(['@scope/name', 'lodash', undefined, undefined, undefined, undefined]);
  });

  it('reports a runtime import missing from dependencies, with file and line', async () => {
    const root = await workspace({
      'package.json': JSON.stringify({
        workspaces: ['packages/*'],
        devDependencies: { vitest: '4' },
      }),
      'packages/a/package.json': JSON.stringify({
        name: 'a',
        dependencies: { left: '1' },
        devDependencies: { right: '1' },
      }),
      'packages/a/src/index.ts':
        "import left from 'left';\n// import 'in-a-comment';\nconst text = \"from 'in-a-string'\";\nexport { x } from 'missing/sub';\nawait import('right');\n",
      'packages/a/src/index.test.ts':
        "import { it } from 'vitest';\nimport right from 'right';\nimport other from 'also-missing';\n",
      // A build config, like tsup's and vitest's, may use devDependencies.
      'packages/a/vite.config.ts': "import right from 'right';\n",
    });
    expect(checkWorkspace(root)).toEqual([
      'a/src/index.test.ts:3: imports "also-missing", which a does not declare; add it to devDependencies',
      'a/src/index.ts:4: imports "missing", which a does not declare; add it to dependencies',
      'a/src/index.ts:5: imports "right", which a does not declare; add it to dependencies',
    ]);
  });

  it('finds nothing undeclared in this workspace', () => {
    expect(checkWorkspace(path.resolve(import.meta.dirname, '../../..'))).toEqual([]);
  });
});
