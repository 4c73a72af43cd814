// Headless Chromium (Debian's) driven by playwright-core, for the page's tests and benchmark.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Chromium with a fresh, in-memory profile (Playwright's contexts are incognito-like). */
export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/**
 * Chromium with a profile kept in `dir`, as a person's browser: its disk caches, including
 * compiled scripts, last between tabs and loads (an in-memory profile keeps no compiled code).
 */
export function launchProfile(
  dir: string,
  viewport: { width: number; height: number },
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, args: ARGS, viewport });
}

/** What the chart draws, read from the live uPlot instance. */
export interface ChartState {
  labels: string[];
  /** Finite points of each line's drawn series. */
  points: number[];
  /** Number of shaded bands. */
  bands: number;
  /** Every line's band edges exist. */
  banded: boolean[];
  x: number[];
  /** Each line's drawn values, aligned with `x`. */
  values: (number | null)[][];
  yDistribution: number;
  /** Whether each line has a faint raw series behind it. */
  raw: boolean[];
}

/** The part of the page's `window.machopChart` (src/web/chart.tsx) read here. */
interface ChartHandle {
  plot: {
    data: ArrayLike<ArrayLike<number | null>>;
    bands?: unknown[];
    scales: { y: { distr?: number } };
  };
  lines: { label: string }[];
  map: { lines: { main: number; raw?: number; lower?: number; upper?: number }[] };
}

export function chartState(page: Page): Promise<ChartState | null> {
  return page.evaluate(() => {
    const chart = (globalThis as unknown as { machopChart?: ChartHandle }).machopChart;
    if (!chart) return null;
    const { plot, lines, map } = chart;
    const column = (index: number) => Array.from(plot.data[index]);
    return {
      labels: lines.map((line) => line.label),
      points: map.lines.map(
        (entry) =>
          column(entry.main).filter((value) => value !== null && value !== undefined).length,
      ),
      bands: plot.bands?.length ?? 0,
      banded: map.lines.map((entry) => entry.lower !== undefined && entry.upper !== undefined),
      x: column(0) as number[],
      values: map.lines.map((entry) => column(entry.main)),
      yDistribution: Number(plot.scales.y.distr ?? 1),
      raw: map.lines.map((entry) => entry.raw !== undefined),
    };
  });
}

/** Wait until the chart satisfies `test`, and return its state. */
export async function waitForChart(
  page: Page,
  test: (state: ChartState) => boolean,
  timeout = 15_000,
): Promise<ChartState> {
  const until = Date.now() + timeout;
  let state: ChartState | null = null;
  while (Date.now() < until) {
    state = await chartState(page);
    if (state && test(state)) return state;
    await page.waitForTimeout(100);
  }
  throw new Error(`the chart never got there; it shows ${JSON.stringify(state)?.slice(0, 600)}`);
}
