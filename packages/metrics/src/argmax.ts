/**
 * Index of the largest of `classes` scores starting at `offset`; the lowest index wins a tie,
 * as numpy's and torch's argmax do.
 */
export function argmax(scores: Float32Array, offset: number, classes: number): number {
  let best = 0;
  let bestScore = scores[offset];
  for (let column = 1; column < classes; column++) {
    const score = scores[offset + column];
    if (score > bestScore) {
      best = column;
      bestScore = score;
    }
  }
  return best;
}
