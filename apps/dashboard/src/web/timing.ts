// Named timings of the page's own work (fetching, computing lines, drawing), recorded with the
// User Timing API so Chromium's performance panel shows them and the benchmark can print where
// the time of a render went. Costs a few microseconds per call.

/**
 * Entries recorded before the timeline is cleared: a page left open on a live run records a few
 * every time a curve grows, and the browser keeps every one until told otherwise.
 */
const KEPT = 2000;
let recorded = 0;

function counted(): void {
  if (++recorded <= KEPT) return;
  performance.clearMarks();
  performance.clearMeasures();
  recorded = 1;
}

/** Record a moment, with `detail`, as a `performance.mark` named `name`. */
export function mark(name: string, detail?: unknown): void {
  counted();
  performance.mark(name, { detail });
}

/** Run `work` and record its duration as a `performance.measure` named `name`. */
export function timed<T>(name: string, work: () => T): T {
  const start = performance.now();
  try {
    return work();
  } finally {
    counted();
    performance.measure(name, { start, end: performance.now() });
  }
}

/** As {@link timed}, for work that ends when a promise settles. */
export async function timedAsync<T>(name: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    counted();
    performance.measure(name, { start, end: performance.now() });
  }
}
