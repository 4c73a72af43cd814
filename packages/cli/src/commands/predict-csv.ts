import type { Predictions } from '@machop/trainer';

/** A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The header of `ch predict`'s output: `class`, then `p_<class>` and `logit_<class>` per class. */
export function predictionHeader(classNames: readonly string[]): string {
  return [
    'class',
    ...classNames.map((name) => `p_${name}`),
    ...classNames.map((name) => `logit_${name}`),
  ]
    .map(field)
    .join(',');
}

/**
 * The rows of `ch predict`'s output, one line each (with its newline). Numbers are written with
 * JavaScript's shortest round-tripping form of the 32-bit value, so reading one back as a double
 * (or a float) gives exactly the value the model computed.
 */
export function predictionLines(predictions: Predictions, classNames: readonly string[]): string[] {
  const classes = classNames.length;
  const names = classNames.map(field);
  const lines = new Array<string>(predictions.rows);
  for (let row = 0; row < predictions.rows; row++) {
    const offset = row * classes;
    const parts = [names[predictions.predicted[row]]];
    for (let column = 0; column < classes; column++)
      parts.push(String(predictions.probabilities[offset + column]));
    for (let column = 0; column < classes; column++)
      parts.push(String(predictions.logits[offset + column]));
    lines[row] = parts.join(',') + '\n';
  }
  return lines;
}
