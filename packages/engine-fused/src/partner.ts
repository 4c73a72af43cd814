import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { BackendError } from '@machop/core';
import { ShardLink } from './shard-link.js';
import type { NamedArray, OptimizerState } from './types.js';

/** Commands in the link's header, word 0. */
export const Command = { Step: 1, Evaluate: 2, Stop: 3 } as const;
type CommandCode = (typeof Command)[keyof typeof Command];

/** The header's words (float64); `Message` is 1 when a {@link PartnerMessage} waits on the port. */
export const Header = {
  Command: 0,
  Rows: 1,
  BatchRows: 2,
  RowOffset: 3,
  LearningRate: 4,
  StepSeed: 5,
  Message: 6,
  /** Evaluate: rows per chunk, chunks, and their generation (see ShardLink.claim). */
  ChunkRows: 7,
  Chunks: 8,
  Generation: 9,
} as const;

/** Rows of a batch thread 1 works on: the buffers thread 0 copies them into. */
export interface SharedRows {
  buffer: SharedArrayBuffer;
  capacity: number;
}

/** What thread 0 posts to thread 1 before a command that needs it. */
export interface PartnerMessage {
  rows?: SharedRows;
  weights?: NamedArray[];
  optimizer?: OptimizerState;
}

/** Views of {@link SharedRows}. */
export function rowViews(
  shared: SharedRows,
  features: number,
  classes: number,
): { x: Float32Array; y: Int32Array; logits: Float32Array } {
  const { buffer, capacity } = shared;
  const x = new Float32Array(buffer, 0, capacity * features);
  const y = new Int32Array(buffer, x.byteLength, capacity);
  const logits = new Float32Array(buffer, x.byteLength + y.byteLength, capacity * classes);
  return { x, y, logits };
}

/** What thread 1 is started with (`workerData`). */
export interface PartnerData {
  /** The engine's options, without `threads`. */
  options: unknown;
  link: SharedArrayBuffer;
  capacity: number;
  port: MessagePort;
}

/**
 * The second thread of a two-thread engine, seen from the first: it starts the worker (built into
 * `dist/shard-worker.js`, beside `src/` and `dist/` alike), hands it rows and commands, and stops
 * it. The worker does not keep the process alive.
 */
export class Partner {
  readonly link: ShardLink;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private rows: SharedRows = { buffer: new SharedArrayBuffer(0), capacity: 0 };
  private views: ReturnType<typeof rowViews> = rowViews(
    { buffer: new SharedArrayBuffer(0), capacity: 0 },
    0,
    0,
  );
  private pending: PartnerMessage | undefined;
  private stopped = false;

  /** Throws once the worker was stopped: the engine is disposed. */
  checkRunning(): void {
    if (this.stopped) throw new BackendError('the fused engine was disposed; make a new one');
  }

  constructor(
    options: unknown,
    capacity: number,
    private readonly features: number,
    private readonly classes: number,
  ) {
    const script = new URL('../dist/shard-worker.js', import.meta.url);
    if (!existsSync(script))
      throw new BackendError(
        `the fused engine's worker ${fileURLToPath(script)} is missing: build @machop/engine-fused (npm run build), or train with --threads 1`,
      );
    const buffer = ShardLink.allocate(capacity);
    this.link = new ShardLink(buffer, 0, capacity);
    const channel = new MessageChannel();
    this.port = channel.port1;
    const data: PartnerData = { options, link: buffer, capacity, port: channel.port2 };
    this.worker = new Worker(script, { workerData: data, transferList: [channel.port2] });
    this.worker.unref();
    this.port.unref();
  }

  /** Send weights and optimizer state with the next command (they changed on thread 0). */
  post(message: PartnerMessage): void {
    this.pending = { ...this.pending, ...message };
  }

  private ensureRows(rows: number): void {
    if (rows <= this.rows.capacity) return;
    const capacity = Math.max(rows, this.rows.capacity * 2);
    const bytes = capacity * (this.features * 4 + 4 + this.classes * 4);
    this.rows = { buffer: new SharedArrayBuffer(bytes), capacity };
    this.views = rowViews(this.rows, this.features, this.classes);
    this.post({ rows: this.rows });
  }

  private send(command: CommandCode): void {
    this.checkRunning();
    // The header is read by thread 1 while it works on a command: never change it under it.
    this.link.awaitIdle();
    const header = this.link.header;
    header[Header.Command] = command;
    header[Header.Message] = this.pending ? 1 : 0;
    if (this.pending) this.port.postMessage(this.pending);
    this.pending = undefined;
    this.link.send();
  }

  /**
   * Start the worker on the rows from `split` on of a training batch of `size` rows; thread 0
   * trains the first `split` rows, and both meet in the step's merges.
   */
  startStep(
    x: Float32Array,
    y: Int32Array,
    split: number,
    size: number,
    learningRate: number,
    stepSeed: number,
  ): void {
    this.shareRows(x, y, split, size);
    const header = this.link.header;
    header[Header.BatchRows] = size;
    header[Header.LearningRate] = learningRate;
    header[Header.StepSeed] = stepSeed;
    this.send(Command.Step);
  }

  /**
   * Offer the worker the rows from `split` on of an inference batch, in `chunks` chunks of
   * `chunkRows` rows to claim (see ShardLink.claim); returns their generation. With `wait`
   * false, a worker still busy with its last command (it has no core) is not offered any: -1.
   */
  offerEvaluate(
    x: Float32Array,
    split: number,
    size: number,
    chunkRows: number,
    chunks: number,
    wait: boolean,
  ): number {
    this.checkRunning();
    if (!wait && !this.link.idle()) return -1;
    this.shareRows(x, undefined, split, size);
    const header = this.link.header;
    header[Header.ChunkRows] = chunkRows;
    header[Header.Chunks] = chunks;
    header[Header.Generation] = this.link.openChunks();
    this.send(Command.Evaluate);
    return header[Header.Generation];
  }

  /** Thread 1's logits of chunk `chunk` (of `chunkRows` rows from row `split`) into `logits`. */
  collectChunk(
    logits: Float32Array,
    split: number,
    size: number,
    chunk: number,
    chunkRows: number,
  ): void {
    const first = chunk * chunkRows;
    const rows = Math.min(chunkRows, size - split - first);
    logits.set(
      this.views.logits.subarray(first * this.classes, (first + rows) * this.classes),
      (split + first) * this.classes,
    );
  }

  private shareRows(x: Float32Array, y: Int32Array | undefined, first: number, size: number): void {
    const rows = size - first;
    this.ensureRows(Math.max(rows, 1));
    this.views.x.set(x.subarray(first * this.features, size * this.features));
    if (y) this.views.y.set(y.subarray(first, size));
    const header = this.link.header;
    header[Header.Rows] = rows;
    header[Header.RowOffset] = first;
  }

  /** Stop the worker: it leaves its loop and its thread ends. */
  stop(): void {
    if (this.stopped) return;
    // A failed worker has ended already; waiting for it would only throw its failure again.
    if (!this.link.hasFailed()) this.send(Command.Stop);
    this.stopped = true;
    this.port.close();
  }
}
