/** Steps of a window that measures the mode not in use, and how many of its first are not counted. */
const PROBE_STEPS = 16;
const PROBE_SKIPPED = 4;
/**
 * The first window runs on the worker longer: its code is still cold (V8 optimises a function
 * after many calls), and a worker measured cold would lose every probe after.
 */
const FIRST_STEPS = 64;
const FIRST_SKIPPED = 32;
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
 * machine pays for a probe less and less often, and a counted probe step that is clearly slower
 * ends the probe at once. The first steps of a window are not counted: they may wake the worker,
 * and the worker's code warms up in the first window.
 */
export class TwoThreadSchedule {
  /** @param fixed always the worker (true) or always here (false); measured when undefined. */
  constructor(private readonly fixed?: boolean) {
    this.onWorker = fixed ?? true;
  }

  private onWorker: boolean;
  private probing = true;
  private left = FIRST_STEPS;
  private skip = FIRST_SKIPPED;
  private runSteps = RUN_STEPS;
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

  /** Of the steps so far, those that ran on the worker. */
  counts(): { worker: number; steps: number } {
    return { worker: this.workerSteps, steps: this.steps };
  }

  /** A step ran (on the worker or not) at `perRow` milliseconds a row. */
  record(onWorker: boolean, perRow: number): void {
    this.steps += 1;
    if (onWorker) this.workerSteps += 1;
    if (this.fixed !== undefined) return;
    let lost = false;
    if (this.skip > 0) this.skip -= 1;
    else {
      this.sum += perRow;
      this.counted += 1;
      lost = this.probing && perRow > CLEARLY_SLOWER * this.measured[onWorker ? 'here' : 'worker'];
    }
    if (--this.left > 0 && !lost) return;
    if (this.counted > 0) this.measured[onWorker ? 'worker' : 'here'] = this.sum / this.counted;
    const { worker, here } = this.measured;
    if (Number.isNaN(here)) {
      this.start(false, true);
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
    this.skip = probing ? PROBE_SKIPPED : 1;
    this.sum = 0;
    this.counted = 0;
  }
}
