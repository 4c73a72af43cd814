// Named timings of the page's own work (fetching, computing lines, drawing), recorded with the
// User Timing API so Chromium's performance panel shows them and the benchmark can print where
// the time of a render went. Costs a few microseconds per call.

/** Run `work` and record its duration as a `performance.measure` named `name`. */
export function timed<T>(name: string, work: () => T): T {
  const start = performance.now();
  try {
    return work();
  } finally {
    performance.measure(name, { start, end: performance.now() });
  }
}

/** As {@link timed}, for work that ends when a promise settles. */
export async function timedAsync<T>(name: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    performance.measure(name, { start, end: performance.now() });
  }
}
