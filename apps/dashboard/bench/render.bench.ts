// The dashboard's benchmark (`nx run @machop/dashboard:bench`, not part of the tests): a project of
// 200 runs × 10,000 points, the built server in its own process, the page in headless Chromium.
// Measures the first render of 20 selected runs, switching metric, and the server's peak memory.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { RUN_FILES, type MetricRecord } from '@machop/runs';
import { launch, launchProfile } from '../test/browser.js';
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

/**
 * When, in ms from the navigation's start, the page got its document and each API answer, and ran
 * its own timed work: where the first render waited. Resource timings come from the browser.
 */
async function pageTimeline(page: Page, until = Infinity): Promise<string> {
  return page.evaluate((until) => {
    interface Entry {
      name: string;
      entryType: string;
      startTime: number;
      duration: number;
      responseStart?: number;
      responseEnd?: number;
      domInteractive?: number;
      serverTiming?: { name: string; duration: number }[];
    }
    const perf = (globalThis as unknown as { performance: { getEntries(): Entry[] } }).performance;
    const at = (ms: number | undefined) => (ms ?? NaN).toFixed(0);
    return perf
      .getEntries()
      .filter(
        (entry) =>
          ['navigation', 'resource', 'measure', 'mark'].includes(entry.entryType) &&
          entry.startTime <= until,
      )
      .sort((a, b) => a.startTime - b.startTime)
      .map((entry) => {
        const short = entry.name.replace(/^https?:\/\/[^/]+/, '').slice(0, 40);
        if (entry.entryType === 'mark') return `${at(entry.startTime)} ${short}`;
        if (entry.entryType === 'measure')
          return `${at(entry.startTime)}–${at(entry.startTime + entry.duration)} ${short}`;
        const server = (entry.serverTiming ?? [])
          .map((timing) => ` ${timing.name} ${timing.duration.toFixed(0)}`)
          .join('');
        const extra =
          entry.entryType === 'navigation'
            ? ` interactive ${at(entry.domInteractive)}`
            : server && `, server:${server}`;
        return `${at(entry.startTime)}: ${short} first byte ${at(entry.responseStart)} end ${at(entry.responseEnd)}${extra}`;
      })
      .join('\n    ');
  }, until);
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
 * CPU ms used so far by each kind of Chromium process (renderer, gpu-process, utility, browser),
 * summed: on a 2-core machine they and the server share the cores a render waits for.
 */
async function browserCpu(): Promise<Map<string, number>> {
  const byType = new Map<string, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const command = await readFile(`/proc/${entry}/cmdline`, 'utf8');
      if (!command.includes('chrom')) continue;
      const type = /--type=([\w-]+)/.exec(command)?.[1] ?? 'browser';
      byType.set(type, (byType.get(type) ?? 0) + (await cpuSeconds(Number(entry))) * 1000);
    } catch {
      // A process that ended meanwhile.
    }
  }
  return byType;
}

/** What each kind of browser process used between two {@link browserCpu} readings. */
function cpuBetween(before: Map<string, number>, after: Map<string, number>): string {
  return [...after]
    .map(([type, ms]) => [type, ms - (before.get(type) ?? 0)] as const)
    .filter(([, ms]) => ms > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([type, ms]) => `${type} ${ms.toFixed(0)} ms`)
    .join(', ');
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

/**
 * Evaluate `expression` in the page every 50 ms over CDP until it gives something other than
 * null. Unlike Playwright's waitForFunction this injects no script into the page and runs no
 * callback every frame, so the waiting costs the page little; what is timed comes from the page's
 * own clock (see {@link paintedAt}), so how often it asks does not change the figures.
 */
async function poll<T>(cdp: CDPSession, expression: string, timeout = 60_000): Promise<T> {
  const end = performance.now() + timeout;
  for (;;) {
    // While a navigation replaces the document, an evaluation can fail: try again.
    const answer = await cdp
      .send('Runtime.evaluate', { expression, returnByValue: true })
      .catch(() => undefined);
    const value: unknown = answer?.exceptionDetails ? undefined : answer?.result.value;
    if (value !== null && value !== undefined) return value as T;
    if (performance.now() > end) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Until the chart shows `lines` lines of `metric`, each with at least `points` points. */
function untilDrawn(cdp: CDPSession, metric: string, lines: number, points: number) {
  return poll<true>(
    cdp,
    `(() => {
      const select = document.querySelector('[data-testid="metric"]');
      const chart = window.machopChart;
      return select?.value === ${JSON.stringify(metric)} &&
        chart?.plot.axes[1]?.label === ${JSON.stringify(metric)} &&
        chart.lines.length === ${lines} &&
        chart.lines.every((line) => line.x.length >= ${points}) || null;
    })()`,
  );
}

/**
 * When, in ms from the start of the page's navigation, the chart had painted `lines` lines of
 * `points` points in all, after page time `after`: the page's own \`chart: painted\` mark
 * (src/web/chart.tsx). Undefined for a build without that mark (BENCH_BIN), once a second passed.
 */
async function paintedAt(cdp: CDPSession, lines: number, points: number, after = 0) {
  return poll<number>(
    cdp,
    `performance.getEntriesByName('chart: painted').find(
      (mark) => mark.startTime > ${after} && mark.detail?.lines === ${lines} &&
        mark.detail.points >= ${points})?.startTime ?? null`,
    1000,
  ).catch(() => undefined);
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
  // A browser with its profile on disk, as a person's (see launchProfile).
  const profile = await mkdtemp(path.join(os.tmpdir(), 'dashboard-bench-profile-'));
  const viewport = { width: 1400, height: 900 };
  const context = await launchProfile(profile, viewport);
  const browser = context.browser()!;
  // BENCH_FIRST_VISIT=1: the timed tab in a fresh in-memory profile instead, as on a first visit.
  const fresh = process.env.BENCH_FIRST_VISIT ? await launch() : undefined;
  try {
    const url = await new Promise<string>((resolve) =>
      server.stdout.on('data', (chunk: Buffer) => {
        const match = /http:\/\/\S+/.exec(chunk.toString());
        if (match) resolve(match[0]);
      }),
    );
    const selected = ids.slice(0, SELECTED).join(',');
    // The page is loaded twice first, after which Chromium keeps its script compiled on disk (it
    // makes that cache on a script's second load): the figure is a returning visitor's.
    const warmup = await context.newPage();
    for (let load = 0; load < 2; load++) {
      await warmup.goto(`${url}?runs=`);
      await warmup.waitForSelector('[data-run]');
    }
    // A person opens the page some seconds after starting the server; by then it has read the
    // runs' logs. That startup work is printed, not counted in the first render. BENCH_COLD=1:
    // measure at once, while the server may still be reading.
    const startup = process.env.BENCH_COLD
      ? { cpu: await cpuSeconds(server.pid!), wall: 0 }
      : await settled(server.pid!);
    // BENCH_SAME_TAB=1: open the link in the tab that loaded the page, as a person going to it
    // from the address bar of a dashboard tab does; by default in a new tab.
    const sameTab = Boolean(process.env.BENCH_SAME_TAB);
    if (!sameTab) await warmup.close();

    // The first render is timed in a new tab, as a person opens a link. Wall time is what a
    // person waits; on a shared machine it is mostly waiting for a core, so the page's
    // main-thread busy time (Chromium's TaskDuration) and the server's CPU time are printed
    // beside it.
    const page = sameTab
      ? warmup
      : fresh
        ? await fresh.newPage({ viewport })
        : await context.newPage();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const busy = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? NaN;
    };
    const serverBefore = await cpuSeconds(server.pid!);
    const browserBefore = await browserCpu();
    /** With BENCH_PROFILE, record `work` with Chromium's CPU profiler and tracing. */
    const profiled = async (name: string, work: () => Promise<void>) => {
      if (!profileDir) return work();
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
      await (fresh ?? browser).startTracing(page, {
        path: path.join(profileDir, `page-${name}.trace.json`),
        categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink'],
      });
      await work();
      await (fresh ?? browser).stopTracing();
      const { profile } = await cdp.send('Profiler.stop');
      await writeFile(path.join(profileDir, `page-${name}.cpuprofile`), JSON.stringify(profile));
    };
    const firstBegin = performance.now();
    await profiled('first-render', async () => {
      // Smoothing 0.6 (what the page picks by itself for a per-step metric) written out, so that
      // builds from before that default (BENCH_BIN) draw the same 40 series: curves and raw.
      await cdp.send('Page.navigate', {
        url: `${url}?runs=${selected}&metric=train_loss_step&smooth=0.6`,
      });
      await untilDrawn(cdp, 'train_loss_step', SELECTED, POINTS);
    });
    const firstWall = performance.now() - firstBegin;
    const firstPainted = await paintedAt(cdp, SELECTED, SELECTED * POINTS);
    const firstBusy = await busy();
    // The page's own clock when the build has it: what the page took, without the time the
    // benchmark's commands to the browser took on top.
    const firstRender = firstPainted ?? firstWall;
    const firstServer = (await cpuSeconds(server.pid!)) - serverBefore;
    const firstBrowser = cpuBetween(browserBefore, await browserCpu());
    const timeline = await pageTimeline(page, firstPainted);
    const firstParts = await pageTimings(page, true);

    /** Switch the chart to `metric` and wait until it is drawn; wall ms, page and server busy ms. */
    const switchTo = async (metric: string, points: number) => {
      const busyBefore = await busy();
      const serverBefore = await cpuSeconds(server.pid!);
      const begin = performance.now();
      let chosen = 0;
      await profiled(`switch-to-${metric}`, async () => {
        // As a person's choice in the menu does it: a new value and a change event.
        const { result } = await cdp.send('Runtime.evaluate', {
          expression: `(() => {
            const select = document.querySelector('[data-testid="metric"]');
            select.value = ${JSON.stringify(metric)};
            select.dispatchEvent(new Event('change', { bubbles: true }));
            return performance.now();
          })()`,
          returnByValue: true,
        });
        chosen = result.value as number;
        await untilDrawn(cdp, metric, SELECTED, points);
      });
      const wall = performance.now() - begin;
      // The page's clock, from the choice to the curves painted, when the build has the mark.
      const painted = await paintedAt(cdp, SELECTED, SELECTED * points, chosen);
      return {
        wall: painted === undefined ? wall : painted - chosen,
        benchWall: wall,
        busy: ((await busy()) - busyBefore) * 1000,
        server: ((await cpuSeconds(server.pid!)) - serverBefore) * 1000,
        parts: await pageTimings(page, true),
      };
    };
    // First to a metric the page has not shown (its points are fetched), then back to one it holds.
    const toNew = await switchTo('val_acc_epoch', EPOCHS);
    const toHeld = await switchTo('train_loss_step', POINTS);

    // Settings by flag name (`batch-size`) since the page shares ch plot's curve model; a build
    // from before (BENCH_BIN) names them as config.json does (`batchSize`).
    const choices = await page
      .locator('[data-testid="group-by"] option')
      .evaluateAll((options) =>
        options.map((option) => (option as unknown as { value: string }).value),
      );
    const groupKey = choices.includes('batch-size') ? 'batch-size' : 'batchSize';
    const busyBefore = await busy();
    const begin = performance.now();
    await page.selectOption('[data-testid="group-by"]', groupKey);
    await untilDrawn(cdp, 'train_loss_step', 4, POINTS);
    const groupBy = performance.now() - begin;
    const groupBusy = (await busy()) - busyBefore;
    const load = (await readFile('/proc/loadavg', 'utf8')).split(' ')[0];

    const memory = await peakMegabytes(server.pid!);
    const switched = (label: string, result: typeof toNew) =>
      `switching metric ${label}: ${result.wall.toFixed(0)} ms from the choice to the curves painted (budget ${BUDGET_MS}); ${result.benchWall.toFixed(0)} ms wall in the benchmark; page busy ${result.busy.toFixed(0)} ms, server CPU ${result.server.toFixed(0)} ms\n  page timings: ${result.parts}`;
    console.log(
      [
        `load average: ${load} on ${os.cpus().length} cores`,
        process.env.BENCH_COLD
          ? `server startup: not waited for (BENCH_COLD), ${(startup.cpu * 1000).toFixed(0)} ms CPU so far`
          : `server startup (listing runs, reading their logs): ${(startup.cpu * 1000).toFixed(0)} ms CPU, settled ${startup.wall.toFixed(1)} s after the page first loaded`,
        `first render of ${SELECTED} runs × ${POINTS} points: ${firstRender.toFixed(0)} ms ${firstPainted === undefined ? 'wall' : 'from navigation start to the curves painted'} (budget ${BUDGET_MS}); ${firstWall.toFixed(0)} ms wall in the benchmark; page main thread busy ${(firstBusy * 1000).toFixed(0)} ms, server CPU ${(firstServer * 1000).toFixed(0)} ms`,
        `  browser processes' CPU: ${firstBrowser}`,
        `  page timings: ${firstParts}`,
        `  timeline (ms from navigation):\n    ${timeline}`,
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
    await fresh?.close();
    await context.close();
    await rm(profile, { recursive: true, force: true });
    server.kill('SIGTERM');
    // BENCH_KEEP=1: leave the generated project for a closer look (its path is printed).
    if (process.env.BENCH_KEEP) console.log(`project kept in ${root}`);
    else await rm(root, { recursive: true, force: true });
  }
});
