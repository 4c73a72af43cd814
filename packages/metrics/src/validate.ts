import { ConfigError, DatasetError, MachopError, ModelError } from '@machop/core';
import type { ScoredBatch } from './metric.js';

/** Check the number of classes a metric is built for. */
export function checkClasses(classes: unknown, metric: string): number {
  if (typeof classes !== 'number' || !Number.isInteger(classes) || classes < 2) {
    throw new ConfigError(
      `${metric}: classes must be an integer of at least 2, got ${String(classes)}; pass the number of classes the model outputs`,
    );
  }
  return classes;
}

/** Check the k of a top-k metric against the number of classes. */
export function checkTopK(k: unknown, classes: number, metric: string): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > classes) {
    throw new ConfigError(
      `${metric}: k must be an integer from 1 to the ${classes} classes, got ${String(k)}; choose a smaller top-k`,
    );
  }
  return k;
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return (value as { constructor?: { name?: string } }).constructor?.name ?? typeof value;
}

/**
 * Check one batch of scores and labels and return its number of rows. A wrong shape or a
 * non-finite score means the model's outputs do not fit the metric (ModelError); a label out of
 * range means the data does not fit the classes (DatasetError).
 */
export function checkBatch(batch: ScoredBatch, classes: number, metric: string): number {
  const { scores, labels } = batch;
  if (!(scores instanceof Float32Array)) {
    throw new ModelError(
      `${metric}: scores must be a Float32Array, got ${typeName(scores)}; copy the model's outputs into one`,
    );
  }
  if (!(labels instanceof Int32Array)) {
    throw new DatasetError(
      `${metric}: labels must be an Int32Array, got ${typeName(labels)}; copy the class indices into one`,
    );
  }
  const size = labels.length;
  if (scores.length !== size * classes) {
    throw new ModelError(
      `${metric}: got ${scores.length} scores for ${size} labels, expected ${size} × ${classes} classes = ${size * classes}; the model's output width must equal the number of classes`,
    );
  }
  for (let row = 0; row < size; row++) {
    const label = labels[row];
    if (label < 0 || label >= classes) {
      throw new DatasetError(
        `${metric}: label ${label} in row ${row} of the batch is outside [0, ${classes}); the data set's labels must be class indices below ${classes}`,
      );
    }
  }
  for (let index = 0; index < scores.length; index++) {
    if (!Number.isFinite(scores[index])) {
      const row = Math.floor(index / classes);
      throw new ModelError(
        `${metric}: score ${scores[index]} in row ${row}, class ${index % classes} of the batch is not finite; the model's outputs diverged (try a lower learning rate)`,
      );
    }
  }
  return size;
}

/** Thrown by `compute()` of a metric whose value is undefined because no row was seen. */
export function noRowsError(metric: string): MachopError {
  return new MachopError(
    'E_USAGE',
    `${metric}: no rows seen; call update() with at least one non-empty batch before compute()`,
  );
}
