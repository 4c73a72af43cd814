import { BackendError } from '@machop/core';

/** Control words (Int32) at the start of the shared buffer. */
const ARRIVALS = 0;
const COMMAND_SEQUENCE = 1;
const FAILED = 2;
/** Inference chunks: the batch's generation (high 16 bits) and its next unclaimed chunk. */
const CLAIM = 3;
/** Inference chunks thread 1 finished in the current generation. */
const CHUNKS_DONE = 4;
/** The last command thread 1 finished. */
const ACKNOWLEDGED = 5;
const CONTROL_WORDS = 8;
/** Float64 words after the control words: the command and its arguments. */
const HEADER_WORDS = 12;
/** Bytes at the end of the buffer for the message of a failed thread 1. */
const FAILURE_BYTES = 1024;

/**
 * How long a waiting thread spins before it sleeps in `Atomics.wait`. Inside a step the other
 * thread arrives within microseconds, but waking a sleeping thread took 10 µs to over 300 µs on
 * this 2-core virtual machine, more than a whole step of a small model; and a thread that sleeps
 * makes its partner's spin run out too. Spinning 2 ms rides over the partner losing its core for
 * a moment; between steps (validation, checkpoints) the waiting thread then sleeps.
 */
const SPIN_MS = 2;
/** A partner that has not arrived by then is gone; waiting longer would hang the run. */
const TIMEOUT_MS = 60_000;

/**
 * The meeting point of two threads that train one model together: control words, a command
 * header and two exchange areas per thread in one `SharedArrayBuffer`. {@link ShardLink.exchange}
 * is a barrier that also swaps partial sums; areas alternate between exchanges, so a thread
 * writing the next exchange never overwrites values the other is still reading.
 */
export class ShardLink {
  readonly control: Int32Array;
  /** The command header, written by thread 0 and read by thread 1. */
  readonly header: Float64Array;
  private readonly areas: Float64Array[];
  private readonly failure: Uint8Array;
  private generation = 0;
  private seenCommand = 0;
  private claimGeneration = 0;

  /**
   * @param buffer made by {@link ShardLink.allocate} with the same `capacity`.
   * @param index 0 for the thread that owns the engine, 1 for its worker.
   * @param capacity float64 values one exchange may carry.
   */
  constructor(
    readonly buffer: SharedArrayBuffer,
    readonly index: 0 | 1,
    readonly capacity: number,
  ) {
    this.control = new Int32Array(buffer, 0, CONTROL_WORDS);
    this.header = new Float64Array(buffer, CONTROL_WORDS * 4, HEADER_WORDS);
    const start = CONTROL_WORDS * 4 + HEADER_WORDS * 8;
    // areas[2 * thread + parity]
    this.areas = Array.from(
      { length: 4 },
      (_, area) => new Float64Array(buffer, start + area * capacity * 8, capacity),
    );
    this.failure = new Uint8Array(buffer, start + 4 * capacity * 8, FAILURE_BYTES);
  }

  /** A buffer for two links exchanging up to `capacity` values at a time. */
  static allocate(capacity: number): SharedArrayBuffer {
    return new SharedArrayBuffer(
      CONTROL_WORDS * 4 + HEADER_WORDS * 8 + 4 * capacity * 8 + FAILURE_BYTES,
    );
  }

  /** Where this thread writes the values of its next {@link exchange}. */
  outbox(): Float64Array {
    return this.areas[2 * this.index + ((this.generation + 1) & 1)];
  }

  /**
   * Wait for the other thread to reach its matching exchange; returns both threads' values in
   * thread order, `[thread 0's, thread 1's]`, so both threads combine them in the same order
   * and get bit-identical results.
   */
  exchange(): [Float64Array, Float64Array] {
    this.generation += 1;
    const target = 2 * this.generation;
    const control = this.control;
    if (Atomics.add(control, ARRIVALS, 1) + 1 === target) Atomics.notify(control, ARRIVALS);
    else this.waitUntil(ARRIVALS, (value) => value >= target, 'the other thread of this step');
    const parity = this.generation & 1;
    return [this.areas[parity], this.areas[2 + parity]];
  }

  /** Thread 0: publish the command in {@link header} to thread 1. */
  send(): void {
    Atomics.add(this.control, COMMAND_SEQUENCE, 1);
    Atomics.notify(this.control, COMMAND_SEQUENCE);
  }

  /** Thread 1: wait for the next command (it may sleep for as long as thread 0 does other work). */
  receive(): void {
    this.seenCommand += 1;
    const expected = this.seenCommand;
    this.waitUntil(COMMAND_SEQUENCE, (value) => value >= expected, undefined);
  }

  /** Thread 1: the command it received last is done; thread 0 may send the next. */
  acknowledge(): void {
    Atomics.store(this.control, ACKNOWLEDGED, this.seenCommand);
    Atomics.notify(this.control, ACKNOWLEDGED);
  }

  /** Whether thread 1 failed (see {@link fail}). */
  hasFailed(): boolean {
    return Atomics.load(this.control, FAILED) === 1;
  }

  /** Thread 0: whether thread 1 finished every command sent (it may be waiting for a core). */
  idle(): boolean {
    return (
      Atomics.load(this.control, ACKNOWLEDGED) === Atomics.load(this.control, COMMAND_SEQUENCE)
    );
  }

  /** Thread 0: wait until thread 1 finished every command sent, before the header changes. */
  awaitIdle(): void {
    const sent = Atomics.load(this.control, COMMAND_SEQUENCE);
    this.waitUntil(ACKNOWLEDGED, (value) => value >= sent, 'the other thread');
  }

  /**
   * Thread 0: open `chunks` inference chunks to claim with {@link claim}; returns their
   * generation, which thread 1 must be told. Only when no chunk of the last generation is being
   * computed (see {@link awaitChunks}).
   */
  openChunks(): number {
    this.claimGeneration = (this.claimGeneration + 1) & 0x7fff;
    Atomics.store(this.control, CHUNKS_DONE, 0);
    Atomics.store(this.control, CLAIM, this.claimGeneration << 16);
    return this.claimGeneration;
  }

  /**
   * Either thread: claim the next of `chunks` chunks of generation `generation`, or -1 when none
   * is left (or the generation is over). Whoever claims a chunk computes it, so a thread that gets
   * no core in time simply claims none.
   */
  claim(generation: number, chunks: number): number {
    const control = this.control;
    for (;;) {
      const word = Atomics.load(control, CLAIM);
      const next = word & 0xffff;
      if (word >>> 16 !== generation || next >= chunks) return -1;
      if (Atomics.compareExchange(control, CLAIM, word, word + 1) === word) return next;
    }
  }

  /** Thread 1: a claimed chunk is computed. */
  finishChunk(): void {
    Atomics.add(this.control, CHUNKS_DONE, 1);
    Atomics.notify(this.control, CHUNKS_DONE);
  }

  /** Thread 0: wait until thread 1 finished `count` chunks of this generation. */
  awaitChunks(count: number): void {
    if (count > 0)
      this.waitUntil(CHUNKS_DONE, (value) => value >= count, 'the other thread of this batch');
  }

  /** Thread 1: tell thread 0, waiting in an exchange, that this thread failed, and why. */
  fail(error: unknown): void {
    const text = error instanceof Error ? error.message : String(error);
    const { written } = new TextEncoder().encodeInto(text, this.failure.subarray(0, -1));
    this.failure[written] = 0;
    Atomics.store(this.control, FAILED, 1);
    Atomics.add(this.control, ARRIVALS, 1000);
    Atomics.notify(this.control, ARRIVALS);
    Atomics.notify(this.control, ACKNOWLEDGED);
    Atomics.notify(this.control, CHUNKS_DONE);
  }

  private waitUntil(word: number, done: (value: number) => boolean, partner?: string): void {
    const control = this.control;
    let value = Atomics.load(control, word);
    if (!done(value)) {
      const until = performance.now() + SPIN_MS;
      for (let spin = 1; !done(value); spin++) {
        value = Atomics.load(control, word);
        if ((spin & 255) === 0 && performance.now() > until) break;
      }
    }
    const began = Date.now();
    while (!done(value)) {
      Atomics.wait(control, word, value, partner ? 1000 : Infinity);
      value = Atomics.load(control, word);
      if (partner && Atomics.load(control, FAILED)) this.failed(partner);
      if (partner && !done(value) && Date.now() - began > TIMEOUT_MS)
        throw new BackendError(
          `${partner} did not answer within ${TIMEOUT_MS / 1000} s; run with --threads 1`,
        );
    }
    if (partner && Atomics.load(control, FAILED)) this.failed(partner);
  }

  private failed(partner: string): never {
    const end = this.failure.indexOf(0);
    const text = new TextDecoder().decode(this.failure.slice(0, end < 0 ? undefined : end));
    throw new BackendError(`${partner} failed: ${text}; train with --threads 1 to go on`);
  }
}
