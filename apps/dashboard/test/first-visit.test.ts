// A first visit to a project whose latest sweep is listed below the fold: the runs it selects and
// draws are scrolled into view in the run list (real Chromium, real server, real run folders).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDashboard, type RunningDashboard } from '../dist/index.js';
import { launch } from './browser.js';
import { writeRun } from './fixture-project.js';

let root: string;
let dashboard: RunningDashboard;
let browser: Browser;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'dashboard-first-visit-'));
  // Older single runs, more than a screen holds, listed before the sweep's project.
  for (let index = 0; index < 40; index++)
    await writeRun(root, {
      project: 'a-older',
      id: `run${String(index).padStart(2, '0')}`,
      epochs: 2,
      start: 1_790_000_000 + index,
    });
  for (const batchSize of [64, 256])
    await writeRun(root, {
      project: 'z-study',
      id: `bs${batchSize}`,
      batchSize,
      epochs: 2,
      sweep: { id: 'latest', point: { 'batch-size': batchSize } },
      start: 1_790_500_000 + batchSize,
    });
  dashboard = await startDashboard({ projectDir: root, port: 0, log: () => undefined });
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await rm(root, { recursive: true, force: true });
});

it('scrolls the latest sweep it selects into view when it is listed below the fold', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 700 } });
  await page.goto(dashboard.url);
  await page.waitForFunction(() => {
    const { document } = globalThis as unknown as {
      document: { querySelectorAll(selector: string): { length: number } };
    };
    return document.querySelectorAll('.run-list [data-run] input:checked').length === 2;
  });
  // The scroll comes in the renders after the selection: wait for the rows to settle in view.
  await page.waitForFunction(
    () => {
      const { document, innerHeight } = globalThis as unknown as {
        innerHeight: number;
        document: {
          querySelectorAll(selector: string): {
            getBoundingClientRect(): { top: number; bottom: number };
          }[];
        };
      };
      // Once every run is listed (the 40 older ones push the sweep down), both rows in view.
      const rows = [...document.querySelectorAll('.run-list [data-run^="z-study/"]')];
      return (
        document.querySelectorAll('.run-list [data-run]').length === 42 &&
        rows.length === 2 &&
        rows.every((row) => row.getBoundingClientRect().bottom <= innerHeight)
      );
    },
    undefined,
    { timeout: 10_000 },
  );
  const checked = await page.locator('.run-list [data-run]').evaluateAll((elements) =>
    elements
      .filter(
        (element) => (element.querySelector('input') as unknown as { checked: boolean }).checked,
      )
      .map((element) => {
        const box = element.getBoundingClientRect();
        return { id: element.getAttribute('data-run'), top: box.top, bottom: box.bottom };
      }),
  );
  expect(checked.map((entry) => entry.id).sort()).toEqual(['z-study/bs256', 'z-study/bs64']);
  for (const entry of checked) {
    expect(entry.top).toBeGreaterThanOrEqual(0);
    expect(entry.bottom).toBeLessThanOrEqual(700);
  }
  await page.close();
}, 60_000);
