import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testPause } from './test-pause.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'machop-pause-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('testPause', () => {
  it('is off unless both variables are set', () => {
    expect(testPause({})).toBeUndefined();
    expect(testPause({ MACHOP_TEST_PAUSE_AT: 'epoch:1' })).toBeUndefined();
  });

  it('announces the point it reached and waits there until the file appears', async () => {
    const file = path.join(dir, 'go');
    const pause = testPause({ MACHOP_TEST_PAUSE_AT: 'epoch:2', MACHOP_TEST_PAUSE_FILE: file })!;
    await pause.at('epoch', 1, undefined);
    await pause.at('step', 2, undefined);
    expect(existsSync(`${file}.reached`)).toBe(false);
    let passed = false;
    const waiting = pause.at('epoch', 2, undefined).then(() => (passed = true));
    while (!existsSync(`${file}.reached`)) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await readFile(`${file}.reached`, 'utf8')).toBe(`${process.pid}\n`);
    expect(passed).toBe(false);
    await writeFile(file, '');
    await waiting;
    expect(passed).toBe(true);
  });

  it('stops waiting when the run is aborted', async () => {
    const pause = testPause({
      MACHOP_TEST_PAUSE_AT: 'step:1',
      MACHOP_TEST_PAUSE_FILE: path.join(dir, 'never'),
    })!;
    const controller = new AbortController();
    const waiting = pause.at('step', 1, controller.signal);
    controller.abort();
    await waiting;
  });

  it('refuses a point it does not know', () => {
    expect(() =>
      testPause({ MACHOP_TEST_PAUSE_AT: 'lunch', MACHOP_TEST_PAUSE_FILE: path.join(dir, 'x') }),
    ).toThrow(/^MACHOP_TEST_PAUSE_AT must be step:N or epoch:N, got "lunch"$/);
  });
});
