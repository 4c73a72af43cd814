import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '..', '..', '..');

describe('install scripts', () => {
  it('are each approved or denied in allowScripts, so npm ci installs without warnings', async () => {
    const manifest = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as {
      allowScripts?: Record<string, boolean>;
    };
    const lock = JSON.parse(await readFile(path.join(REPO, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { hasInstallScript?: boolean; name?: string; link?: boolean }>;
    };
    const withScripts = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript)
      .map(([where, entry]) => entry.name ?? where.slice(where.lastIndexOf('node_modules/') + 13));
    expect(withScripts).toEqual(expect.arrayContaining(['esbuild', 'nx']));
    const decided = Object.keys(manifest.allowScripts ?? {}).map((key) =>
      key.replace(/(?<=.)@[^@]*$/, ''),
    );
    expect(withScripts.filter((name) => !decided.includes(name))).toEqual([]);
  });
});
