import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type RunningDashboard } from '../dist/index.js';
import { launch } from './browser.js';
import { CH_BIN, runToExit } from './start-dashboard.js';

// A project as Lab 2 leaves it, made by the real `ch`: a float run, the run `ch transform` made
// from it (no training curve) and a QAT run trained from that. The list marks both quantized runs.
let root: string;
let dashboard: RunningDashboard;
let browser: Browser;
const ids: Record<string, string> = {};

async function ch(args: string[]): Promise<void> {
  const result = await runToExit([CH_BIN, ...args], { cwd: root, deadlineMs: 120_000 });
  expect(result.code, result.stderr).toBe(0);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'dashboard-quantized-'));
  const project = path.join(root, 'machop_output', 'lab2');
  const newest = async () =>
    (await readdir(project))
      .filter((n) => n !== 'software')
      .sort()
      .at(-1)!;
  const small = [
    'mlp',
    'toy',
    '--hidden',
    '8',
    '--max-epochs',
    '1',
    '--project',
    'lab2',
    '--quiet',
  ];
  await ch(['train', ...small]);
  ids.float = await newest();
  await writeFile(
    path.join(root, 'q.toml'),
    '[passes.quantize]\nby = "type"\n[passes.quantize.linear.config]\nname = "integer"\ndata_in_width = 8\nweight_width = 8\n',
  );
  await ch(['transform', '--config', 'q.toml', '--load', path.join(project, ids.float)]);
  ids.transformed = await newest();
  await ch(['train', ...small, '--load', path.join(project, ids.transformed)]);
  ids.qat = await newest();
  dashboard = await startDashboard({
    projectDir: path.join(root, 'machop_output'),
    port: 0,
    log: () => undefined,
  });
  browser = await launch();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await rm(root, { recursive: true, force: true });
});

describe('a Lab 2 project in the dashboard', () => {
  it('marks the transformed run and the QAT run quantized, not the float run', async () => {
    expect(ids.transformed).toMatch(/_transformed$/);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(dashboard.url);
    const entry = (id: string) => page.locator(`.run-list [data-run="lab2/${id}"]`);
    await entry(ids.qat).waitFor();
    expect(await entry(ids.qat).locator('.quantized').textContent()).toBe('quantized');
    expect(await entry(ids.transformed).locator('.quantized').count()).toBe(1);
    expect(await entry(ids.float).locator('.quantized').count()).toBe(0);
    // The filter finds them by the mark.
    await page.locator('.filter').fill('quantized');
    await entry(ids.float).waitFor({ state: 'detached' });
    expect(await page.locator('.run-list [data-run]').count()).toBe(2);
    await page.close();
  });
});
