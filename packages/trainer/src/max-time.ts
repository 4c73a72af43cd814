import { ConfigError } from '@machop/core';
import type { BatchContext, Callback, EpochEndContext } from './callbacks.js';

/**
 * Ends the run cleanly once `seconds` have passed (counting sessions before a resume): after the
 * step or the validation during which the limit was reached, with checkpoints saved.
 */
export class MaxTime implements Callback {
  constructor(private readonly seconds: number) {
    if (!Number.isFinite(seconds) || seconds <= 0)
      throw new ConfigError(`max time must be a number of seconds greater than 0, got ${seconds}`);
  }

  private check(context: BatchContext | EpochEndContext): void {
    if (context.elapsedSeconds >= this.seconds)
      context.stop('time-limit', `reached the time limit of ${this.seconds} s`);
  }

  onBatchEnd(context: BatchContext): void {
    this.check(context);
  }

  onEpochEnd(context: EpochEndContext): void {
    this.check(context);
  }
}
