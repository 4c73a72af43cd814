import type { Io } from './io.js';

/** What the progress display needs after each training step. */
export interface StepProgress {
  epoch: number;
  maxEpochs: number;
  /** 1-based index of the batch within the epoch. */
  batch: number;
  batches: number;
  samplesPerSecond: number;
  loss?: number;
  accuracy?: number;
}

/** What the progress display needs after each epoch. */
export interface EpochProgress {
  epoch: number;
  maxEpochs: number;
  metrics: Readonly<Record<string, number>>;
  seconds: number;
  samplesPerSecond: number;
}

export function clock(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  const pad = (value: number) => String(value).padStart(2, '0');
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(rest)}` : `${pad(minutes)}:${pad(rest)}`;
}

/** Numbers short enough for a status line but never rounded to a misleading 0. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e5))
    return value.toExponential(2);
  return value.toFixed(4);
}

const EPOCH_KEYS = ['train_loss_epoch', 'train_acc_epoch', 'val_loss_epoch', 'val_acc_epoch', 'lr'];

/**
 * Training progress on stderr: on a terminal, one bar per epoch redrawn in place (ETA, samples/s,
 * live loss and accuracy), finished with the epoch's validation metrics; otherwise one plain line
 * per epoch.
 */
export class ProgressDisplay {
  private epochStarted = Date.now();
  private lastDraw = 0;
  private readonly tty: boolean;

  constructor(private readonly io: Io) {
    this.tty = Boolean(io.stderr.isTTY);
  }

  epochStart(): void {
    this.epochStarted = Date.now();
    this.lastDraw = 0;
  }

  step(progress: StepProgress): void {
    if (!this.tty) return;
    const now = Date.now();
    if (progress.batch < progress.batches && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const elapsed = (now - this.epochStarted) / 1000;
    const eta = (elapsed / progress.batch) * (progress.batches - progress.batch);
    const width = 24;
    const filled = Math.round((progress.batch / progress.batches) * width);
    const live = [
      progress.loss === undefined ? '' : `loss ${formatNumber(progress.loss)}`,
      progress.accuracy === undefined ? '' : `acc ${formatNumber(progress.accuracy)}`,
    ]
      .filter(Boolean)
      .join(' ');
    this.io.stderr.write(
      `\rEpoch ${progress.epoch + 1}/${progress.maxEpochs} [${'#'.repeat(filled).padEnd(width, '.')}] ${progress.batch}/${progress.batches} ${clock(elapsed)}<${clock(eta)} ${Math.round(progress.samplesPerSecond)} samples/s ${live}\u001b[K`,
    );
  }

  epochEnd(progress: EpochProgress): void {
    const metrics = EPOCH_KEYS.filter((key) => progress.metrics[key] !== undefined).map(
      (key) => `${key} ${formatNumber(progress.metrics[key])}`,
    );
    const line = `epoch ${progress.epoch + 1}/${progress.maxEpochs}  ${metrics.join('  ')}  ${Math.round(progress.samplesPerSecond)} samples/s  ${progress.seconds.toFixed(1)}s`;
    this.io.stderr.write(this.tty ? `\r${line}\u001b[K\n` : `${line}\n`);
  }

  /** End a half-drawn bar line (before printing anything else). */
  clear(): void {
    if (this.tty) this.io.stderr.write('\r\u001b[K');
  }
}
