/** Steps of a window that measures the mode not in use. */
const PROBE_STEPS = 8;
/** A probe step this many times slower than the other mode ends the probe at once. */
const CLEARLY_SLOWER = 3;
/** Steps in the faster mode before the other is measured again; doubles while it stays slower. */
const RUN_STEPS = 256;
const MAX_RUN_STEPS = 8192;

/**
 * Where a two-thread engine runs the second half of each batch: on its worker thread, or here
 * after the first half. Both give bit-identical steps, so the choice is only about speed, and
 * speed depends on what else the machine runs: two threads that meet several times a step lose
 * badly when a core is taken by another process (a thread that sleeps waits for a scheduler
 * tick). So both are measured as training goes: a run of steps in the faster mode, then a short
 * probe of the other, then the faster again. A probe that loses doubles the next run, so a busy
 * machine pays for a probe less and less often, and a probe step that is clearly slower ends the
 * probe at once. The first step of every window is not counted unless it is clearly slower (it
 * may wake the worker). Measuring starts here, the mode that cannot be slowed down by the other
 * thread.
 */
export class TwoThreadSchedule {
  /** @param fixed always the worker (true) or always here (false); measured when undefined. */
  constructor(private readonly fixed?: boolean) {
    if (fixed !== undefined) this.onWorker = fixed;
  }

  private onWorker = false;
  private probing = true;
  private left = PROBE_STEPS;
  private runSteps = RUN_STEPS;
  private first = true;
  private sum = 0;
  private counted = 0;
  /** Mean milliseconds per row of the last window of each mode. */
  private readonly measured = { worker: Number.NaN, here: Number.NaN };
  private workerSteps = 0;
  private steps = 0;

  /** Whether the next step runs its second half on the worker. */
  next(): boolean {
    return this.onWorker;
  }

  /** Whether the worker is the faster, as last measured (for inference, which is not timed). */
  preferWorker(): boolean {
    if (this.fixed !== undefined) return this.fixed;
    const { worker, here } = this.measured;
    return !(worker > here);
  }

  /** Of the steps so far, those that ran on the worker. */
  counts(): { worker: number; steps: number } {
    return { worker: this.workerSteps, steps: this.steps };
  }

  /** A step ran (on the worker or not) at `perRow` milliseconds a row. */
  record(onWorker: boolean, perRow: number): void {
    this.steps += 1;
    if (onWorker) this.workerSteps += 1;
    if (this.fixed !== undefined) return;
    const other = this.measured[onWorker ? 'here' : 'worker'];
    const lost = this.probing && perRow > CLEARLY_SLOWER * other;
    if (this.first && !lost) this.first = false;
    else {
      this.sum += perRow;
      this.counted += 1;
    }
    if (--this.left > 0 && !lost) return;
    if (this.counted > 0) this.measured[onWorker ? 'worker' : 'here'] = this.sum / this.counted;
    const { worker, here } = this.measured;
    if (Number.isNaN(worker)) {
      this.start(true, true);
      return;
    }
    const fasterOnWorker = worker <= here;
    if (this.probing) {
      // The probe lost: probe less often while it keeps losing.
      if (onWorker !== fasterOnWorker) this.runSteps = Math.min(MAX_RUN_STEPS, this.runSteps * 2);
      else this.runSteps = RUN_STEPS;
      this.start(fasterOnWorker, false);
    } else this.start(!fasterOnWorker, true);
  }

  private start(onWorker: boolean, probing: boolean): void {
    this.onWorker = onWorker;
    this.probing = probing;
    this.left = probing ? PROBE_STEPS : this.runSteps;
    this.first = true;
    this.sum = 0;
    this.counted = 0;
  }
}
