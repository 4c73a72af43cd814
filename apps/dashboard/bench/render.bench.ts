// The dashboard's benchmark (`nx run @machop/dashboard:bench`, not part of the tests): a project of
// 200 runs × 10,000 points, the built server in its own process, the page in headless Chromium.
// Measures the first render of 20 selected runs, switching metric, and the server's peak memory.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { RUN_FILES, type MetricRecord } from '@machop/runs';
import { launch } from '../test/browser.js';
import { config } from '../test/fixture-project.js';

const RUNS = 200;
const POINTS = 10_000;
const SELECTED = 20;
const EPOCHS = 50;
const BUDGET_MS = 1000;
const BUDGET_MB = 300;
// BENCH_BIN: another build's bin/machop-dashboard.js, to measure before and after a change alike.
const BIN =
  process.env.BENCH_BIN ?? path.resolve(import.meta.dirname, '../bin/machop-dashboard.js');

/** One run's log: POINTS step losses and, per epoch, four epoch metrics. */
function runLog(seed: number): string {
  const lines: string[] = [];
  const perEpoch = POINTS / EPOCHS;
  for (let step = 1; step <= POINTS; step++) {
    const epoch = Math.floor((step - 1) / perEpoch);
    const time = 1_790_000_000 + step * 0.02;
    const wiggle = Math.sin(step * 0.37 + seed) * 0.05;
    const record = (name: string, value: number): MetricRecord => ({
      step,
      epoch,
      time,
      name,
      value,
    });
    lines.push(JSON.stringify(record('train_loss_step', Math.exp(-step / 3000) + 0.4 + wiggle)));
    if (step % perEpoch === 0) {
      const accuracy = 0.75 * (1 - Math.exp(-(epoch + 1) / 8)) + wiggle / 5;
      for (const [name, value] of [
        ['val_acc_epoch', accuracy],
        ['val_loss_epoch', 1.4 - accuracy],
        ['train_acc_epoch', accuracy + 0.01],
        ['lr', 0.001 / (epoch + 1)],
      ] as const)
        lines.push(JSON.stringify(record(name, value)));
    }
  }
  return lines.join('\n') + '\n';
}

async function generate(root: string): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < RUNS; index++) {
    const id = `run-${String(index).padStart(3, '0')}`;
    const spec = {
      project: 'bench',
      id,
      batchSize: [64, 128, 256, 512][index % 4],
      seed: Math.floor(index / 4),
      sweep: { id: 'grid', point: { 'batch-size': [64, 128, 256, 512][index % 4] } },
    };
    const dir = path.join(root, 'bench', id);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, RUN_FILES.config), JSON.stringify(config(spec)));
    await writeFile(path.join(dir, RUN_FILES.metrics), runLog(index));
    ids.push(`bench/${id}`);
  }
  return ids;
}

/** The part of the page's `performance` read here (this Node project has no DOM types). */
interface PagePerformance {
  getEntriesByType(type: 'measure'): { name: string; duration: number }[];
  clearMeasures(): void;
}

/**
 * The page's own timings (src/web/timing.ts) since `clear`, summed by name: where a render's time
 * went. Fetch waits overlap (requests run side by side), so their sum can exceed the wall time.
 */
async function pageTimings(page: Page, clear: boolean): Promise<string> {
  return page.evaluate((clear) => {
    const perf = (globalThis as unknown as { performance: PagePerformance }).performance;
    const sums = new Map<string, { total: number; count: number }>();
    for (const entry of perf.getEntriesByType('measure')) {
      const sum = sums.get(entry.name) ?? { total: 0, count: 0 };
      sum.total += entry.duration;
      sum.count += 1;
      sums.set(entry.name, sum);
    }
    if (clear) perf.clearMeasures();
    return [...sums]
      .map(([name, sum]) => `${name} ${sum.total.toFixed(0)} ms (${sum.count}×)`)
      .join(', ');
  }, clear);
}

/** Peak resident memory of a process, from Linux's /proc. */
async function peakMegabytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kilobytes = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
  return kilobytes / 1024;
}

/** CPU seconds a process has used (user + system), from Linux's /proc. */
async function cpuSeconds(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat; here counted from the state field (3).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Wait until a process stops using the CPU (less than 10 ms in 500 ms); its CPU seconds and the
 * wall seconds waited. The server reads every run's log in the background after starting.
 */
async function settled(pid: number): Promise<{ cpu: number; wall: number }> {
  const begin = performance.now();
  let before = await cpuSeconds(pid);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = await cpuSeconds(pid);
    if (now - before < 0.01) return { cpu: now, wall: (performance.now() - begin) / 1000 };
    before = now;
  }
}

/** Milliseconds until the chart shows `lines` lines of `metric`, each with at least `points` points. */
async function untilDrawn(
  page: Page,
  metric: string,
  lines: number,
  points: number,
): Promise<void> {
  await page.waitForFunction(
    ([metric, lines, points]) => {
      // Runs in the page: reach its globals without the DOM types this Node project lacks.
      const page = globalThis as unknown as {
        document: { querySelector(selector: string): { value: string } | null };
        machopChart?: { lines: { x: number[] }[]; plot: { axes: { label?: string }[] } };
      };
      const select = page.document.querySelector('[data-testid="metric"]');
      const chart = page.machopChart;
      return (
        select?.value === metric &&
        chart?.plot.axes[1]?.label === metric &&
        chart.lines.length === lines &&
        chart.lines.every((line) => line.x.length >= points)
      );
    },
    [metric, lines, points] as const,
    { polling: 'raf', timeout: 60_000 },
  );
}

it('renders 20 of 200 runs × 10,000 points within budget', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'dashboard-bench-'));
  const started = Date.now();
  const ids = await generate(root);
  console.log(
    `generated ${RUNS} runs × ${POINTS} points in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  // BENCH_PROFILE=<dir>: also write CPU profiles of the page's first render (Chromium's profiler)
  // and of the server (node --cpu-prof), for Chrome DevTools or bench/profile-summary.mjs.
  const profileDir = process.env.BENCH_PROFILE ? path.resolve(process.env.BENCH_PROFILE) : '';
  if (profileDir) await mkdir(profileDir, { recursive: true });
  const nodeFlags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const server = spawn(
    process.execPath,
    [...nodeFlags, BIN, '--project-dir', root, '--port', '0'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const browser = await launch();
  try {
    const url = await new Promise<string>((resolve) =>
      server.stdout.on('data', (chunk: Buffer) => {
        const match = /http:\/\/\S+/.exec(chunk.toString());
        if (match) resolve(match[0]);
      }),
    );
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const selected = ids.slice(0, SELECTED).join(',');
    // Warm the browser's own caches (the page's script) so the figure is the data's cost.
    await page.goto(`${url}?runs=`);
    await page.waitForSelector('[data-run]');
    // A person opens the page some seconds after starting the server; by then it has read the
    // runs' logs. That startup work is printed, not counted in the first render. BENCH_COLD=1:
    // measure at once, while the server may still be reading.
    const startup = process.env.BENCH_COLD
      ? { cpu: await cpuSeconds(server.pid!), wall: 0 }
      : await settled(server.pid!);

    // Wall time is what a person waits; on a shared machine it is mostly waiting for a core, so
    // the page's main-thread busy time (Chromium's TaskDuration) and the server's CPU time are
    // printed beside it.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const busy = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? NaN;
    };
    const warm = await busy();
    const serverBefore = await cpuSeconds(server.pid!);
    /** With BENCH_PROFILE, record `work` with Chromium's CPU profiler and tracing. */
    const profiled = async (name: string, work: () => Promise<void>) => {
      if (!profileDir) return work();
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
      await browser.startTracing(page, {
        path: path.join(profileDir, `page-${name}.trace.json`),
        categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink'],
      });
      await work();
      await browser.stopTracing();
      const { profile } = await cdp.send('Profiler.stop');
      await writeFile(path.join(profileDir, `page-${name}.cpuprofile`), JSON.stringify(profile));
    };
    const firstBegin = performance.now();
    await profiled('first-render', async () => {
      // Smoothing 0.6 (what the page picks by itself for a per-step metric) written out, so that
      // builds from before that default (BENCH_BIN) draw the same 40 series: curves and raw.
      await page.goto(`${url}?runs=${selected}&metric=train_loss_step&smooth=0.6`);
      await untilDrawn(page, 'train_loss_step', SELECTED, POINTS);
    });
    const firstRender = performance.now() - firstBegin;
    // A navigation in the same renderer keeps counting; a new renderer starts again from 0.
    const after = await busy();
    const firstBusy = after >= warm ? after - warm : after;
    const firstServer = (await cpuSeconds(server.pid!)) - serverBefore;
    const firstParts = await pageTimings(page, true);

    /** Switch the chart to `metric` and wait until it is drawn; wall ms, page and server busy ms. */
    const switchTo = async (metric: string, points: number) => {
      const busyBefore = await busy();
      const serverBefore = await cpuSeconds(server.pid!);
      const begin = performance.now();
      await profiled(`switch-to-${metric}`, async () => {
        await page.selectOption('[data-testid="metric"]', metric);
        await untilDrawn(page, metric, SELECTED, points);
      });
      const wall = performance.now() - begin;
      return {
        wall,
        busy: ((await busy()) - busyBefore) * 1000,
        server: ((await cpuSeconds(server.pid!)) - serverBefore) * 1000,
        parts: await pageTimings(page, true),
      };
    };
    // First to a metric the page has not shown (its points are fetched), then back to one it holds.
    const toNew = await switchTo('val_acc_epoch', EPOCHS);
    const toHeld = await switchTo('train_loss_step', POINTS);

    const busyBefore = await busy();
    const begin = performance.now();
    await page.selectOption('[data-testid="group-by"]', 'batchSize');
    await untilDrawn(page, 'train_loss_step', 4, POINTS);
    const groupBy = performance.now() - begin;
    const groupBusy = (await busy()) - busyBefore;
    const load = (await readFile('/proc/loadavg', 'utf8')).split(' ')[0];

    const memory = await peakMegabytes(server.pid!);
    const switched = (label: string, result: typeof toNew) =>
      `switching metric ${label}: ${result.wall.toFixed(0)} ms wall (budget ${BUDGET_MS}); page busy ${result.busy.toFixed(0)} ms, server CPU ${result.server.toFixed(0)} ms\n  page timings: ${result.parts}`;
    console.log(
      [
        `load average: ${load} on ${os.cpus().length} cores`,
        process.env.BENCH_COLD
          ? `server startup: not waited for (BENCH_COLD), ${(startup.cpu * 1000).toFixed(0)} ms CPU so far`
          : `server startup (listing runs, reading their logs): ${(startup.cpu * 1000).toFixed(0)} ms CPU, settled ${startup.wall.toFixed(1)} s after the page first loaded`,
        `first render of ${SELECTED} runs × ${POINTS} points: ${firstRender.toFixed(0)} ms wall (budget ${BUDGET_MS}); page main thread busy ${(firstBusy * 1000).toFixed(0)} ms, server CPU ${(firstServer * 1000).toFixed(0)} ms`,
        `  page timings: ${firstParts}`,
        switched('to one not shown yet (train_loss_step → val_acc_epoch)', toNew),
        switched('back to one shown before (val_acc_epoch → train_loss_step)', toHeld),
        `grouping the ${SELECTED} runs by batchSize: ${groupBy.toFixed(0)} ms wall; page busy ${(groupBusy * 1000).toFixed(0)} ms`,
        `server peak memory (VmHWM): ${memory.toFixed(0)} MB (budget ${BUDGET_MB})`,
      ].join('\n'),
    );
    expect(firstRender).toBeLessThan(BUDGET_MS);
    expect(toNew.wall).toBeLessThan(BUDGET_MS);
    expect(toHeld.wall).toBeLessThan(BUDGET_MS);
    expect(memory).toBeLessThan(BUDGET_MB);
  } finally {
    await browser.close();
    server.kill('SIGTERM');
    await rm(root, { recursive: true, force: true });
  }
});
