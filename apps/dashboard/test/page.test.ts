// The page in a real browser (Debian's Chromium) against a real server over a fixture project.
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireRunLock, type RunLock } from '@machop/runs';
import { startDashboard, type RunningDashboard } from '../dist/index.js';
import { chartState, launch, waitForChart } from './browser.js';
import {
  appendEpochs,
  records,
  sweepSpecs,
  twinSweepSpecs,
  writeRun,
  type RunSpec,
} from './fixture-project.js';

/** The README's screenshots: made by `npm run screenshots`, never by a test run. */
const DOCS = path.resolve(import.meta.dirname, '../docs');
/** That script names the folder to write them to; tests write to a temporary one. */
const SCREENSHOTS_TO = process.env.MACHOP_DASHBOARD_SCREENSHOTS;
const screenshots = () =>
  SCREENSHOTS_TO ? path.resolve(SCREENSHOTS_TO) : path.join(root, 'screenshots');

/** Each README screenshot's name, size and modification time. */
async function docsState(): Promise<string[]> {
  const names = (await readdir(DOCS)).filter((name) => name.endsWith('.png')).sort();
  return Promise.all(
    names.map(async (name) => {
      const info = await stat(path.join(DOCS, name));
      return `${name} ${info.size} ${info.mtimeMs}`;
    }),
  );
}
const docsBefore = await docsState();
const live: RunSpec = {
  project: 'solo',
  id: 'live',
  status: null,
  epochs: 2,
  start: 1_790_100_000,
};

let root: string;
let dashboard: RunningDashboard;
let browser: Browser;
let lock: RunLock;
const problems: string[] = [];

async function open(query: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('console', (message) => {
    // The browser echoes every HTTP error status as a console error without its URL; the
    // response listener below reports those with the URL instead.
    if (
      message.type() === 'error' &&
      !message.text().startsWith('Failed to load resource: the server responded')
    )
      problems.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    // The run deleted on purpose below is owed a 404 by a request racing its deletion.
    if (response.status() >= 400 && !response.url().includes('short-lived'))
      problems.push(`response: ${response.status()} ${response.url()}`);
  });
  page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
  page.on('requestfailed', (request) => {
    // An event stream cut when the page closes is not a failure of the page.
    if (!request.url().endsWith('/api/events')) problems.push(`request: ${request.url()}`);
  });
  await page.goto(`${dashboard.url}${query}`);
  await page.waitForSelector('[data-testid="run-list"] [data-run]');
  return page;
}

/** Wait until the run list shows `count` runs. */
async function untilListed(page: Page, count: number): Promise<void> {
  await page.waitForFunction((count) => {
    // Runs in the page: reach its document without the DOM types this Node project lacks.
    const { document } = globalThis as unknown as {
      document: { querySelectorAll(selector: string): { length: number } };
    };
    return document.querySelectorAll('.run-list [data-run]').length === count;
  }, count);
}

function values(spec: RunSpec, name: string): number[] {
  return records(spec, 0, spec.epochs ?? 5)
    .filter((record) => record.name === name)
    .map((record) => record.value!);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'dashboard-page-'));
  for (const spec of [...sweepSpecs(), ...twinSweepSpecs()]) await writeRun(root, spec);
  await writeRun(root, { project: 'solo', id: 'crashed', status: null, start: 1_790_050_000 });
  await writeRun(root, { project: 'solo', id: 'stopped', status: 'interrupted' });
  await writeRun(root, { project: 'solo', id: 'named', name: 'baseline', tags: ['paper', 'v2'] });
  lock = await acquireRunLock(await writeRun(root, live), { command: 'page test' });
  dashboard = await startDashboard({ projectDir: root, port: 0, log: () => undefined });
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
  await lock?.release();
  await rm(root, { recursive: true, force: true });
});

describe('the dashboard page', () => {
  it('draws a curve per selected run, named by what the sweep varied', async () => {
    const page = await open('?runs=');
    expect(await page.locator('[data-section="lab1 · sweep bs-sweep"] [data-run]').count()).toBe(6);
    expect(await page.locator('.run-list [data-run="solo/live"] .status').textContent()).toBe(
      '● live',
    );
    expect(await page.locator('.run-list [data-run="solo/crashed"] .status').textContent()).toBe(
      'crashed',
    );
    expect(await page.locator('.run-list [data-run="solo/stopped"] .status').textContent()).toBe(
      'interrupted',
    );
    for (const id of ['lab1/bs64-s0', 'lab1/bs64-s1', 'lab1/bs256-s0'])
      await page.locator(`.run-list [data-run="${id}"] input`).check();
    const state = await waitForChart(
      page,
      (chart) => chart.points.filter((n) => n > 0).length === 3,
    );
    // Named by the settings that differ, as `ch plot` names them.
    expect(state.labels).toEqual([
      'batch-size=256, seed=0',
      'batch-size=64, seed=0',
      'batch-size=64, seed=1',
    ]);
    expect(state.points).toEqual([5, 5, 5]);
    // The drawn values are the logged ones (no smoothing yet).
    const [bs256] = sweepSpecs().filter((spec) => spec.id === 'bs256-s0');
    expect(state.values[0].filter((value) => value !== null)).toEqual(
      values(bs256, 'val_acc_epoch'),
    );
    await page.screenshot({ path: path.join(screenshots(), 'curves.png') });
    await page.close();
  });

  it('changes metric, x axis, smoothing and log scale', async () => {
    const page = await open('?runs=lab1/bs64-s0,lab1/bs64-s1');
    await waitForChart(page, (chart) => chart.points.every((n) => n === 5));
    // A metric logged once an epoch is drawn unsmoothed, as `ch plot` draws it.
    expect(await page.getByTestId('smoothing-value').textContent()).toBe('0.00 (auto)');
    await page.selectOption('[data-testid="metric"]', 'train_loss_step');
    // Logged four times an epoch: smoothed with TensorBoard's 0.6, as `ch plot` does, raw behind.
    let state = await waitForChart(
      page,
      (chart) => chart.points.every((n) => n === 20) && chart.raw.every(Boolean),
    );
    expect(await page.getByTestId('smoothing-value').textContent()).toBe('0.60 (auto)');
    // Over epochs by default, counted from 1 as `ch plot` counts them: 20 steps an epoch, a loss
    // every 5 steps, so a quarter epoch apart, the last at the end of epoch 5.
    expect(state.x.slice(0, 3)).toEqual([0.25, 0.5, 0.75]);
    expect(Math.max(...state.x)).toBe(5);
    const raw = values(sweepSpecs()[0], 'train_loss_step');
    // TensorBoard's debiased EMA: the second point is (0.4·0.6·a + 0.4·b) / (1 − 0.6²).
    expect(state.values[0][0]).toBeCloseTo(raw[0], 12);
    expect(state.values[0][1]).toBeCloseTo((0.4 * 0.6 * raw[0] + 0.4 * raw[1]) / (1 - 0.36), 10);
    await page.selectOption('[data-testid="x-axis"]', 'step');
    state = await waitForChart(page, (chart) => Math.max(...chart.x) === 100);
    expect(state.x.slice(0, 3)).toEqual([5, 10, 15]);
    await page.selectOption('[data-testid="x-axis"]', 'time');
    // The time axis has one x per logged step too.
    state = await waitForChart(
      page,
      (chart) => chart.x.length === 20 && Math.min(...chart.x) === 0,
    );
    // Seconds since the run's first record (step 5) to its last (step 100), 0.01 s a step.
    expect(Math.max(...state.x)).toBeCloseTo(0.95, 5);
    await page.locator('[data-testid="smoothing"]').fill('0');
    // Smoothing chosen: 0 draws the values as logged, with no raw curve behind.
    state = await waitForChart(page, (chart) => chart.raw.every((shown) => !shown));
    expect(state.values[0]).toEqual(raw);
    // The address follows the view in an effect after the chart is drawn: wait for it.
    await page.waitForFunction("location.search.includes('smooth=0')");
    await page.locator('[data-testid="log-y"]').check();
    state = await waitForChart(page, (chart) => chart.yDistribution === 3);
    expect(state.values[0]).toEqual(raw);
    await page.getByTestId('smoothing-auto').click();
    state = await waitForChart(page, (chart) => chart.raw.every(Boolean));
    expect(state.values[0][0]).toBeCloseTo(raw[0], 12);
    expect(await page.getByTestId('smoothing-value').textContent()).toBe('0.60 (auto)');
    await page.waitForFunction("!location.search.includes('smooth=')");
    await page.close();
  });

  it("shows a run's name and tags in the list and table, and filters by them", async () => {
    const page = await open('?runs=solo/named');
    const entry = page.locator('.run-list [data-run="solo/named"]');
    expect(await entry.locator('.run-name').textContent()).toBe('baseline');
    expect(await entry.locator('.tag').allTextContents()).toEqual(['paper', 'v2']);
    const row = page.locator('[data-testid="runs-table"] tbody tr[data-run="solo/named"]');
    expect(await row.locator('td').nth(2).textContent()).toBe('baseline');
    expect(await row.locator('td').nth(3).textContent()).toBe('paper v2');
    // The legend calls a named run by its name.
    const state = await waitForChart(page, (chart) => chart.labels[0] === 'baseline');
    expect(state.points).toEqual([5]);
    const all = await page.locator('.run-list [data-run]').count();
    expect(all).toBeGreaterThan(1);
    for (const filter of ['tag=paper', 'V2', 'baseline', '/^solo\\/named .*tag=v2/']) {
      await page.locator('.filter').fill(filter);
      // Only the named run is left, in the list and in the table.
      await untilListed(page, 1);
      expect(await page.locator('.run-list [data-run]').getAttribute('data-run')).toBe(
        'solo/named',
      );
      expect(await page.locator('[data-testid="runs-table"] tbody tr').count()).toBe(1);
      await page.locator('.filter').fill('');
      await untilListed(page, all);
    }
    await page.locator('.filter').fill('tag=nope');
    await untilListed(page, 0);
    await page.close();
  });

  it('groups repeats by a key: one mean curve and band per group', async () => {
    const page = await open('?runs=');
    await page.locator('[data-section="lab1 · sweep bs-sweep"] .section-title input').check();
    await waitForChart(
      page,
      (chart) => chart.points.length === 6 && chart.points.every((n) => n === 5),
    );
    await page.selectOption('[data-testid="group-by"]', 'batch-size');
    const state = await waitForChart(page, (chart) => chart.bands === 2);
    expect(state.labels).toEqual(['batch-size=64 (n=3)', 'batch-size=256 (n=3)']);
    expect(state.banded).toEqual([true, true]);
    const finals = (batchSize: number) =>
      sweepSpecs()
        .filter((spec) => spec.batchSize === batchSize)
        .map((spec) => values(spec, 'val_acc_epoch').at(-1)!);
    const mean = (list: number[]) => list.reduce((sum, value) => sum + value, 0) / list.length;
    expect(state.values[0].at(-1)).toBeCloseTo(mean(finals(64)), 12);
    expect(state.values[1].at(-1)).toBeCloseTo(mean(finals(256)), 12);
    await page.screenshot({ path: path.join(screenshots(), 'groups.png') });
    await page.selectOption('[data-testid="band"]', 'std');
    await waitForChart(page, (chart) => chart.bands === 2);
    await page.close();
  });

  it('grows a live run curve as lines are appended, and lists a new run', async () => {
    const page = await open('?runs=solo/live&metric=val_acc_epoch');
    await waitForChart(page, (chart) => chart.points[0] === 2);
    await appendEpochs(root, live, 2, 4);
    const state = await waitForChart(page, (chart) => chart.points[0] === 4);
    expect(state.values[0].filter((value) => value !== null)).toEqual(
      values({ ...live, epochs: 4 }, 'val_acc_epoch'),
    );
    await writeRun(root, { project: 'solo', id: 'newcomer' });
    await page.waitForSelector('[data-run="solo/newcomer"]', { timeout: 15_000 });
    await page.close();
  });

  it('downloads the selected curves as CSV', async () => {
    const page = await open('?runs=lab1/bs64-s0,lab1/bs256-s1&metric=val_loss_epoch&x=epoch');
    await waitForChart(page, (chart) => chart.points.every((n) => n === 5));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="export-csv"]').click(),
    ]);
    expect(download.suggestedFilename()).toBe('val_loss_epoch-epoch.csv');
    const text = await readFile(await download.path(), 'utf8');
    const rows = text.trim().split('\n');
    expect(rows[0]).toBe('series,metric,epoch,value,smoothed,lower,upper');
    expect(rows).toHaveLength(11);
    const [bs256s1] = sweepSpecs().filter((spec) => spec.id === 'bs256-s1');
    // The series name has a comma, so it is quoted; the columns after it are plain numbers.
    const first = rows
      .slice(1)
      .filter((row) => row.startsWith('"batch-size=256, seed=1",'))
      .map((row) => row.slice(row.indexOf('",') + 2).split(','));
    expect(first.map((row) => Number(row[2]))).toEqual(values(bs256s1, 'val_loss_epoch'));
    // Epochs counted from 1, as on the chart and in `ch plot`.
    expect(first.map((row) => Number(row[1]))).toEqual([1, 2, 3, 4, 5]);
    for (const test of ['export-png', 'export-svg']) {
      const [file] = await Promise.all([
        page.waitForEvent('download'),
        page.locator(`[data-testid="${test}"]`).click(),
      ]);
      const body = await readFile(await file.path());
      if (test === 'export-png') expect(body.subarray(1, 4).toString()).toBe('PNG');
      else {
        expect(body.toString()).toContain('<svg');
        expect(body.toString().match(/<path d="M/g)).toHaveLength(2);
      }
    }
    await page.close();
  });

  it('reopens the same view from a shared link', async () => {
    const page = await open('?runs=');
    for (const id of ['lab1/bs64-s2', 'lab1/bs256-s2'])
      await page.locator(`.run-list [data-run="${id}"] input`).check();
    await page.selectOption('[data-testid="metric"]', 'train_acc_epoch');
    await page.selectOption('[data-testid="x-axis"]', 'epoch');
    await page.locator('[data-testid="smoothing"]').fill('0.3');
    await page.selectOption('[data-testid="group-by"]', 'seed');
    const before = await waitForChart(page, (chart) => chart.bands === 1 && chart.points[0] === 5);
    const link = await page.locator('[data-testid="share-url"]').inputValue();
    await page.screenshot({ path: path.join(screenshots(), 'shared-view.png'), fullPage: true });
    await page.close();

    const again = await open(link.slice(dashboard.url.length));
    const after = await waitForChart(again, (chart) => chart.bands === 1 && chart.points[0] === 5);
    expect(after).toEqual(before);
    expect(await again.locator('[data-testid="metric"]').inputValue()).toBe('train_acc_epoch');
    expect(await again.locator('[data-testid="x-axis"]').inputValue()).toBe('epoch');
    expect(await again.locator('[data-testid="smoothing"]').inputValue()).toBe('0.3');
    expect(await again.locator('[data-testid="group-by"]').inputValue()).toBe('seed');
    expect(await again.locator('.run-list input:checked').count()).toBe(2);
    await again.close();
  });

  it('shows the runs table, the summary chart and a test result', async () => {
    const page = await open('?runs=lab1/bs64-s0,lab1/bs64-s1');
    await page.locator('[data-testid="runs-table"] th[data-column="final val_acc_epoch"]').click();
    await page.locator('[data-testid="runs-table"] th[data-column="final val_acc_epoch"]').click();
    const { runs } = (await (await fetch(`${dashboard.url}api/runs`)).json()) as {
      runs: {
        id: string;
        summary: { final: Record<string, number> } | null;
        test: { confusionMatrix: number[][] } | null;
      }[];
    };
    // The highest final val_acc_epoch of any run, as the server lists them, heads the table.
    const best = runs
      .filter((run) => run.summary)
      .sort((a, b) => b.summary!.final.val_acc_epoch - a.summary!.final.val_acc_epoch)[0];
    const first = await page
      .locator('[data-testid="runs-table"] tbody tr')
      .first()
      .getAttribute('data-run');
    expect(first).toBe(best.id);
    // One dot per selected run with a final value, against what the sweep varied.
    expect(await page.locator('[data-testid="summary-param"]').inputValue()).toBe('batch-size');
    expect(await page.locator('[data-testid="summary-chart"] .summary-point').count()).toBe(2);
    expect(await page.locator('[data-testid="confusion"] tbody tr').count()).toBe(5);
    const cell = await page
      .locator('[data-testid="confusion"] tbody tr')
      .first()
      .locator('td')
      .first()
      .textContent();
    const tested = runs.find((run) => run.id === 'lab1/bs64-s0')!;
    expect(Number(cell)).toBe(tested.test!.confusionMatrix[0][0]);
    await page.screenshot({ path: path.join(screenshots(), 'tables.png'), fullPage: true });
    await page.close();
  });

  it('keeps working when a drawn run folder is deleted', async () => {
    await writeRun(root, { project: 'solo', id: 'short-lived' });
    const page = await open('?runs=lab1/bs64-s0,solo/short-lived');
    await waitForChart(
      page,
      (chart) => chart.points.length === 2 && chart.points.every((n) => n === 5),
    );
    await rm(path.join(root, 'solo', 'short-lived'), { recursive: true });
    await page.waitForSelector('[data-run="solo/short-lived"]', {
      state: 'detached',
      timeout: 15_000,
    });
    const state = await waitForChart(page, (chart) => chart.points.length === 1);
    expect(state.labels).toEqual(['bs64-s0']);
    // The server is still there for the next page.
    expect((await fetch(`${dashboard.url}api/runs`)).status).toBe(200);
    await page.close();
  });

  it('draws a long curve with fewer points than pixels, and hovers on its true values', async () => {
    const long: RunSpec = {
      project: 'solo',
      id: 'long',
      epochs: 4,
      stepsPerEpoch: 2500,
      logEvery: 1,
    };
    await writeRun(root, long);
    await dashboard.refresh();
    const page = await open('?runs=solo/long&metric=train_loss_step&smooth=0&x=step');
    const state = await waitForChart(page, (chart) => chart.points[0] > 0);
    const raw = values(long, 'train_loss_step');
    expect(raw).toHaveLength(10_000);
    // Drawn: at most four points per pixel column, with the curve's extremes among them.
    expect(state.points[0]).toBeLessThan(raw.length / 2);
    const drawn = state.values[0].filter((value): value is number => value !== null);
    expect(Math.min(...drawn)).toBe(Math.min(...raw));
    expect(Math.max(...drawn)).toBe(Math.max(...raw));
    const over = (await page.locator('.chart-canvas .u-over').boundingBox())!;
    for (const fraction of [0.137, 0.5, 0.871]) {
      await page.mouse.move(over.x + over.width * fraction, over.y + over.height / 2);
      // The step under the cursor, from the chart's own scale: hover names that step (every
      // step was logged) and its logged value, not a drawn point's.
      const step = await page.evaluate(() => {
        const { machopChart } = globalThis as unknown as {
          machopChart: {
            plot: { cursor: { left: number }; posToVal(left: number, scale: string): number };
          };
        };
        return machopChart.plot.posToVal(machopChart.plot.cursor.left, 'x');
      });
      const expected = Math.min(raw.length, Math.max(1, Math.round(step)));
      await page.waitForFunction((text) => {
        const { document } = globalThis as unknown as {
          document: { querySelector(selector: string): { textContent: string } | null };
        };
        return document.querySelector('.legend-x')?.textContent === text;
      }, `step ${expected}`);
      const value = await page.locator('[data-series="solo/long"] .legend-value').textContent();
      expect(Number(value)).toBeCloseTo(raw[expected - 1], 3);
    }
    await page.close();
  });

  it('draws a per-epoch metric over epochs counted from 1, labelled at whole epochs', async () => {
    const page = await open('?runs=lab1/bs64-s0&metric=val_acc_epoch');
    const state = await waitForChart(page, (chart) => chart.points[0] === 5);
    expect(await page.locator('[data-testid="x-axis"]').inputValue()).toBe('epoch');
    expect(state.x).toEqual([1, 2, 3, 4, 5]);
    // The ticks uPlot drew on the x axis (its canvas, and so the PNG export): whole epochs only.
    const ticks = await page.evaluate(() => {
      const { machopChart } = globalThis as unknown as {
        machopChart: { plot: { axes: { _splits?: number[] }[] } };
      };
      return machopChart.plot.axes[0]._splits ?? [];
    });
    expect(ticks.length).toBeGreaterThan(1);
    expect(ticks.every((tick) => Number.isInteger(tick))).toBe(true);
    await page.close();
  });

  it('selects the runs at the top of the list on a first visit', async () => {
    const page = await open('');
    await page.waitForFunction(() => {
      const { document } = globalThis as unknown as {
        document: { querySelectorAll(selector: string): { length: number } };
      };
      return document.querySelectorAll('.run-list [data-run] input:checked').length === 5;
    });
    const listed = await page.locator('.run-list [data-run]').evaluateAll((elements) =>
      elements.map((element) => ({
        id: element.getAttribute('data-run'),
        checked: (element.querySelector('input') as unknown as { checked: boolean }).checked,
        top: element.getBoundingClientRect().top,
      })),
    );
    const checked = listed.filter((entry) => entry.checked);
    expect(checked.map((entry) => entry.id)).toEqual(listed.slice(0, 5).map((entry) => entry.id));
    for (const entry of checked) expect(entry.top).toBeLessThan(900);
    await page.close();
  });

  it('tells two sweeps with the same trial names apart by the setting that differs', async () => {
    const page = await open('?runs=');
    const titles = await page
      .locator('.run-list section')
      .evaluateAll((sections) => sections.map((section) => section.getAttribute('data-section')));
    expect(titles).toContain('lab2 · sweep sweep-1 · learning-rate=0.001');
    expect(titles).toContain('lab2 · sweep sweep-2 · learning-rate=0.01');
    // Averaged by batch size alone, each group says it mixes two learning rates.
    for (const title of ['sweep-1 · learning-rate=0.001', 'sweep-2 · learning-rate=0.01'])
      await page.locator(`[data-section="lab2 · sweep ${title}"] .section-title input`).check();
    await waitForChart(page, (chart) => chart.points.length === 4);
    await page.selectOption('[data-testid="group-by"]', 'batch-size');
    const state = await waitForChart(page, (chart) => chart.bands === 2);
    expect(state.labels).toEqual([
      'batch-size=64 (n=2, mixing learning-rate)',
      'batch-size=256 (n=2, mixing learning-rate)',
    ]);
    await page.close();
  });

  it('tabulates only settings that vary, with every column in view at 1400 px', async () => {
    const page = await open('?runs=lab1/bs64-s0', { width: 1400, height: 900 });
    await page.waitForSelector('[data-testid="runs-table"]');
    const columns = await page
      .locator('[data-testid="runs-table"] th[data-column]')
      .evaluateAll((cells) => cells.map((cell) => cell.getAttribute('data-column')));
    // Every run that records threads has 2: not a studied setting.
    expect(columns).not.toContain('threads');
    expect(columns).toContain('batch-size');
    const overflow = await page.locator('.table-wrap').evaluate((element) => {
      const wrap = element as unknown as { scrollWidth: number; clientWidth: number };
      return wrap.scrollWidth - wrap.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await page.close();
  });

  it('summarizes the selected runs on a doubling batch-size axis with a labelled y axis', async () => {
    const page = await open('?runs=');
    await page.locator('[data-section="lab1 · sweep bs-sweep"] .section-title input').check();
    await waitForChart(page, (chart) => chart.points.length === 6);
    await page.waitForSelector('[data-testid="summary-chart"]');
    // The six selected runs, not every run on the page.
    expect(await page.locator('[data-testid="summary-chart"] .summary-point').count()).toBe(6);
    expect(await page.locator('.summary-x-label').allTextContents()).toEqual(['64', '256']);
    expect(await page.locator('[data-testid="summary-chart"]').textContent()).toContain(
      'batch-size (log2)',
    );
    expect(await page.locator('.summary-y-tick').count()).toBeGreaterThanOrEqual(3);
    await page.close();
  });

  it('logged no console errors, page errors or failed requests', async () => {
    // Each test above adds what its page logged.
    const page = await open('?runs=lab1/bs64-s0');
    await waitForChart(page, (chart) => chart.points[0] === 5);
    expect(await chartState(page)).not.toBeNull();
    await page.close();
    expect(problems).toEqual([]);
  });
});

it.skipIf(SCREENSHOTS_TO !== undefined)(
  'leaves the README screenshots in docs/ as they were (the working tree stays clean)',
  async () => {
    expect(await docsState()).toEqual(docsBefore);
  },
);
