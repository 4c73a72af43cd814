import type { BatchContext, Callback, EpochEndContext } from './callbacks.js';

/**
 * Ends a run whose training loss stopped being finite or exploded (status `diverged`): its later
 * epochs would only waste time, and its checkpoints/best keeps the last good weights.
 *
 * "Exploded" means above 1000 times the loss of a uniform guess, ln(classes): a cross-entropy no
 * model that is still learning reaches (about 1609 for 5 classes). The loss is checked where it
 * is logged anyway (every `logEveryNSteps` steps) and at each epoch's end, so it costs no reads.
 */
export class DivergenceStop implements Callback {
  private readonly limit: number;

  constructor(classes: number) {
    this.limit = 1000 * Math.log(Math.max(classes, 2));
  }

  private check(context: BatchContext | EpochEndContext, loss: number, where: string): void {
    if (Number.isFinite(loss) && loss <= this.limit) return;
    const value = Number.isFinite(loss) ? loss.toPrecision(3) : String(loss);
    context.stop(
      'diverged',
      `the training loss became ${value} ${where}; lower the learning rate (now ${context.options.learningRate})`,
    );
  }

  onBatchEnd(context: BatchContext): void {
    if (context.globalStep % context.options.logEveryNSteps === 0)
      this.check(context, context.loss, `at step ${context.globalStep}`);
  }

  onEpochEnd(context: EpochEndContext): void {
    this.check(context, context.metrics.train_loss_epoch, `in epoch ${context.epoch + 1}`);
  }
}
