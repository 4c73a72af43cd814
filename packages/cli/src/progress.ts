import type { Io } from './io.js';

/** What the progress display needs after each training step. */
export interface StepProgress {
  epoch: number;
  maxEpochs: number;
  /** 1-based index of the batch within the epoch. */
  batch: number;
  batches: number;
  samplesPerSecond: number;
  /** Mean loss of the epoch so far (read only when a line is drawn: reading waits for the device). */
  epochLoss?: number;
  /** Accuracy of the epoch so far. */
  epochAccuracy?: number;
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

/**
 * A metric's value in one format for the whole run: learning rates always in exponent form
 * (`1.00e-3`, then `7.50e-4`), so a column of them does not switch notation halfway.
 */
export function formatMetric(name: string, value: number): string {
  if (name === 'lr' && Number.isFinite(value)) return value.toExponential(2);
  return formatNumber(value);
}

/** Characters a redrawn line may take: one less than the terminal's width, so it never wraps. */
export function lineWidth(io: Io): number {
  return Math.max(20, (io.stderr.columns ?? 80) - 1);
}

function rate(samplesPerSecond: number): string {
  return samplesPerSecond >= 1e4
    ? `${Math.round(samplesPerSecond / 1000)}k samples/s`
    : `${Math.round(samplesPerSecond)} samples/s`;
}

const EPOCH_KEYS = ['train_loss_epoch', 'train_acc_epoch', 'val_loss_epoch', 'val_acc_epoch', 'lr'];
const SHORT_NAMES: Record<string, string> = {
  train_loss_epoch: 'loss',
  train_acc_epoch: 'acc',
  val_loss_epoch: 'val_loss',
  val_acc_epoch: 'val_acc',
  lr: 'lr',
};

/**
 * Lay out `fields` (most important first) in at most `width` characters: the bar shrinks, then
 * the least important field goes, and so on; a line never wraps.
 */
export function fit(
  fields: readonly string[],
  width: number,
  bar?: { index: number; render: (size: number) => string },
): string {
  const kept = [...fields];
  const line = (barSize: number) =>
    kept
      .map((field, index) => (bar && index === bar.index ? bar.render(barSize) : field))
      .join(' ');
  for (;;) {
    for (let size = 24; size >= 6; size -= 2) {
      const text = line(size);
      if (text.length <= width) return text;
      if (!bar) break;
    }
    if (kept.length <= (bar ? bar.index + 2 : 1)) return line(6).slice(0, width);
    kept.pop();
  }
}

/**
 * Training progress on stderr. On a terminal: a bar per epoch redrawn in place that fits the
 * terminal's width (epoch, bar, batch, epoch time and ETA, the whole run's ETA, the epoch's
 * running loss and accuracy as Keras shows them, samples/s), finished with the epoch's
 * validation metrics. Elsewhere (a log file, a pipe): one plain line per epoch.
 */
export class ProgressDisplay {
  private epochStarted = Date.now();
  private readonly sessionStarted = Date.now();
  private sessionSteps = 0;
  private lastDraw = 0;
  private readonly tty: boolean;

  constructor(private readonly io: Io) {
    this.tty = Boolean(io.stderr.isTTY);
  }

  private get width(): number {
    return lineWidth(this.io);
  }

  epochStart(): void {
    this.epochStarted = Date.now();
    this.lastDraw = 0;
  }

  step(progress: StepProgress): void {
    this.sessionSteps += 1;
    if (!this.tty) return;
    const now = Date.now();
    if (progress.batch < progress.batches && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const elapsed = (now - this.epochStarted) / 1000;
    const eta = (elapsed / progress.batch) * (progress.batches - progress.batch);
    // The whole run: the remaining steps at this session's pace, validation included.
    const remaining =
      (progress.maxEpochs - progress.epoch - 1) * progress.batches +
      (progress.batches - progress.batch);
    const perStep = (now - this.sessionStarted) / 1000 / this.sessionSteps;
    const digits = String(progress.maxEpochs).length;
    const batchDigits = String(progress.batches).length;
    const fields = [
      `epoch ${String(progress.epoch + 1).padStart(digits)}/${progress.maxEpochs}`,
      '',
      `${String(progress.batch).padStart(batchDigits)}/${progress.batches}`,
      `${clock(elapsed)}<${clock(eta)}`,
      progress.epochLoss === undefined ? '' : `loss ${formatNumber(progress.epochLoss)}`,
      progress.epochAccuracy === undefined ? '' : `acc ${formatNumber(progress.epochAccuracy)}`,
      `run ETA ${clock(remaining * perStep)}`,
      rate(progress.samplesPerSecond),
    ].filter((field, index) => index === 1 || field !== '');
    const line = fit(fields, this.width, {
      index: 1,
      render: (size) => {
        const filled = Math.round((progress.batch / progress.batches) * size);
        return `[${'#'.repeat(filled).padEnd(size, '.')}]`;
      },
    });
    this.io.stderr.write(`\r${line}\u001b[K`);
  }

  epochEnd(progress: EpochProgress): void {
    const digits = String(progress.maxEpochs).length;
    const epoch = `epoch ${String(progress.epoch + 1).padStart(digits)}/${progress.maxEpochs}`;
    const keys = EPOCH_KEYS.filter((key) => progress.metrics[key] !== undefined);
    const tail = [rate(progress.samplesPerSecond), `${progress.seconds.toFixed(1)}s`];
    const fields = (names: (key: string) => string) => [
      epoch,
      ...keys.map((key) => `${names(key)} ${formatMetric(key, progress.metrics[key])}`),
      ...tail,
    ];
    if (!this.tty) {
      this.io.stderr.write(`${fields((key) => key).join('  ')}\n`);
      return;
    }
    const full = fields((key) => key).join('  ');
    const line =
      full.length <= this.width
        ? full
        : fit(
            fields((key) => SHORT_NAMES[key] ?? key),
            this.width,
          );
    this.io.stderr.write(`\r${line}\u001b[K\n`);
  }

  /** End a half-drawn bar line (before printing anything else). */
  clear(): void {
    if (this.tty) this.io.stderr.write('\r\u001b[K');
  }
}
