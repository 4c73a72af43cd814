import { describe, expect, it } from 'vitest';
import { predictionHeader, predictionLines } from './predict-csv.js';

describe('predict CSV', () => {
  it('names the columns class, p_<class>, logit_<class>, quoting names that need it', () => {
    expect(predictionHeader(['g', 'a,b', 'say "t"'])).toBe(
      'class,p_g,"p_a,b","p_say ""t""",logit_g,"logit_a,b","logit_say ""t"""',
    );
  });

  it('writes every float32 in a form that reads back as the same value', () => {
    const logits = new Float32Array([0.1, -1e-8, 3.4e38]);
    const probabilities = new Float32Array([1 / 3, 1e-30, 0.6666666]);
    const [line] = predictionLines(
      { rows: 1, logits, probabilities, predicted: new Int32Array([2]) },
      ['x', 'y', 'z,w'],
    );
    expect(line.startsWith('"z,w",')).toBe(true);
    const numbers = line.slice('"z,w",'.length).trimEnd().split(',').map(Number);
    expect(numbers).toEqual([...probabilities, ...logits]);
    expect(line.endsWith('\n')).toBe(true);
  });
});
