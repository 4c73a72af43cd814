import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasCheckpoint } from './files.js';

describe('hasCheckpoint', () => {
  it('is true once checkpoints/last or checkpoints/best exists, false before', () => {
    const run = mkdtempSync(path.join(tmpdir(), 'machop-files-'));
    expect(hasCheckpoint(run)).toBe(false);
    mkdirSync(path.join(run, 'checkpoints', '.tmp-last'), { recursive: true });
    expect(hasCheckpoint(run)).toBe(false);
    mkdirSync(path.join(run, 'checkpoints', 'best'));
    expect(hasCheckpoint(run)).toBe(true);
  });
});
