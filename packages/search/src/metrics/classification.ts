import type { Split } from '@machop/core/base';

/** Accuracy (micro and macro) and mean cross-entropy of `logits` against a split's labels. */
export function classificationMetrics(
  logits: Float32Array,
  split: Pick<Split, 'y' | 'size'>,
  classes: number,
): { accuracy: number; accuracy_macro: number; loss: number } {
  const correctByClass = new Float64Array(classes);
  const rowsByClass = new Float64Array(classes);
  let correct = 0;
  let loss = 0;
  for (let row = 0; row < split.size; row++) {
    const offset = row * classes;
    let best = 0;
    let largest = logits[offset];
    for (let column = 1; column < classes; column++)
      if (logits[offset + column] > largest) {
        largest = logits[offset + column];
        best = column;
      }
    // log-sum-exp shifted by the largest logit, so large logits do not overflow.
    let sum = 0;
    for (let column = 0; column < classes; column++)
      sum += Math.exp(logits[offset + column] - largest);
    const label = split.y[row];
    loss += largest + Math.log(sum) - logits[offset + label];
    rowsByClass[label] += 1;
    if (best === label) {
      correct += 1;
      correctByClass[label] += 1;
    }
  }
  // torchmetrics' MulticlassAccuracy (MASE's): classes without rows are left out of the mean.
  let recalls = 0;
  let present = 0;
  for (let label = 0; label < classes; label++)
    if (rowsByClass[label] > 0) {
      recalls += correctByClass[label] / rowsByClass[label];
      present += 1;
    }
  return {
    accuracy: split.size > 0 ? correct / split.size : Number.NaN,
    accuracy_macro: present > 0 ? recalls / present : Number.NaN,
    loss: split.size > 0 ? loss / split.size : Number.NaN,
  };
}
