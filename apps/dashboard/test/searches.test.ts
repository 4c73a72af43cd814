// The searches of `ch search` in the page, in a real browser (Debian's Chromium) against a real
// server over a fixture project.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type RunningDashboard } from '../dist/index.js';
import { launch } from './browser.js';
import { writeRun } from './fixture-project.js';
import { writeSearch } from './fixture-search.js';

let root: string;
let dashboard: RunningDashboard;
let browser: Browser;
const problems: string[] = [];

// By hand: the front is trial 1 (50 % at 2 bits), trial 3 (70 % at 4) and trial 4 (80 % at 8);
// trials 0 (60 % at 4) and 2 (70 % at 8) are dominated.
const TRIALS = [
  { accuracy: 0.6, bits: 4 },
  { accuracy: 0.5, bits: 2 },
  { accuracy: 0.7, bits: 8 },
  { accuracy: 0.7, bits: 4 },
  { accuracy: 0.8, bits: 8 },
];

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'dashboard-searches-'));
  await writeRun(root, { project: 'jsc-tiny', id: 'float' });
  await writeSearch(root, 'jsc-tiny', 'random-seed1', TRIALS);
  await writeSearch(root, 'jsc-tiny', 'tpe-seed2', TRIALS.slice(0, 2), false);
  dashboard = await startDashboard({ projectDir: root, port: 0, log: () => undefined });
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await rm(root, { recursive: true, force: true });
});

describe('searches in the dashboard', () => {
  it("lists searches beside the runs and draws one's front, a trial's config on hover and click", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    await page.goto(dashboard.url);
    await page.waitForSelector('[data-testid="run-list"] [data-run]');
    const items = page.locator('[data-testid="search-item"]');
    await items.first().waitFor();
    expect(await items.allTextContents()).toEqual(['jsc-tiny/random-seed1', 'jsc-tiny/tpe-seed2']);
    expect(await page.locator('.search-facts').allTextContents()).toEqual([
      'random, seed 1, 5 trials',
      'tpe, seed 2, 2 trials (not ended)',
    ]);
    await items.first().click();
    const front = page.locator('[data-testid="search-front"]');
    await front.waitFor();
    const trials = (selector: string) =>
      front
        .locator(selector)
        .evaluateAll((dots) =>
          dots.map((dot) =>
            Number((dot as unknown as { dataset: { trial: string } }).dataset.trial),
          ),
        );
    expect((await trials('circle.front')).sort()).toEqual([1, 3, 4]);
    expect((await trials('circle.dominated')).sort()).toEqual([0, 2]);
    expect(await front.locator('svg').textContent()).toContain('average weight bit width (bits)');
    const config = page.locator('[data-testid="trial-config"]');
    await front.locator('circle[data-trial="2"]').hover();
    expect(await config.textContent()).toMatch(/^trial 2: accuracy 70\.00 %, average_bitwidth 8\n/);
    expect(await config.textContent()).toContain('"weight_width": 8');
    // Clicked, a trial's config stays once the pointer leaves.
    await front.locator('circle[data-trial="3"]').click();
    await page.mouse.move(0, 0);
    expect(await config.textContent()).toMatch(
      /^trial 3: accuracy 70\.00 %, average_bitwidth 4 \(on the front\)\n/,
    );
    // A search not ended says so, and shows its next trial once saved.
    await items.nth(1).click();
    await page.waitForSelector('text=not ended: 2 trials so far');
    await writeSearch(root, 'jsc-tiny', 'tpe-seed2', TRIALS.slice(0, 3), false);
    await page.waitForSelector('text=not ended: 3 trials so far');
    expect((await trials('circle.front')).sort()).toEqual([0, 1, 2]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
