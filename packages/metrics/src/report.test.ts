import { describe, expect, it } from 'vitest';
import { ClassificationMetrics } from './classification-metrics.js';
import { referenceCases } from './test-support/reference-fixture.js';
import { formatClassificationReport } from './report.js';

describe('formatClassificationReport', () => {
  const missing = referenceCases().find((candidate) => candidate.name === 'missing-classes')!;
  const metrics = new ClassificationMetrics({ classes: missing.classes, topK: 3 });
  metrics.update({ ...missing, loss: 0.25 });
  const result = metrics.compute();
  const names = ['g', 'q', 'w', 'z', 't', 'h'];

  it('prints one row per class, the macro row, the totals and the confusion matrix', () => {
    const lines = formatClassificationReport(result, names).split('\n');
    expect(lines[0].split(/\s+/)).toEqual(['class', 'precision', 'recall', 'f1', 'support', 'auc']);
    for (const [index, name] of names.entries()) {
      const auc = result.auc![index];
      expect(lines[1 + index].split(/\s+/)).toEqual([
        name,
        result.precision[index].toFixed(4),
        result.recall[index].toFixed(4),
        result.f1[index].toFixed(4),
        String(result.support[index]),
        auc === null ? '-' : auc.toFixed(4),
      ]);
    }
    expect(lines[7].split(/\s+/)).toEqual([
      'macro',
      ...(['precision', 'recall', 'f1'] as const).map((key) => result.macro[key].toFixed(4)),
      String(result.size),
      result.macroAuc!.toFixed(4),
    ]);
    expect(lines[9]).toBe(
      `accuracy ${result.accuracy.toFixed(4)}  top-3 accuracy ${result.topK!.accuracy.toFixed(4)}  loss 0.2500  (${result.size} rows)`,
    );
    expect(lines[11]).toBe('confusion matrix (rows: true class, columns: predicted)');
    expect(lines[12].trim().split(/\s+/)).toEqual(names);
    for (const [index, row] of result.confusionMatrix.entries())
      expect(lines[13 + index].split(/\s+/)).toEqual([names[index], ...row.map(String)]);
  });

  it('numbers the classes without names, and drops the AUC column when AUC was not computed', () => {
    const { auc: _auc, macroAuc: _macroAuc, ...withoutAuc } = result;
    const lines = formatClassificationReport(withoutAuc, undefined, { digits: 2 }).split('\n');
    expect(lines[0].split(/\s+/)).toEqual(['class', 'precision', 'recall', 'f1', 'support']);
    expect(lines[1].split(/\s+/)[0]).toBe('0');
    expect(lines[1].split(/\s+/)[1]).toBe(result.precision[0].toFixed(2));
  });

  it('rejects a wrong number of class names', () => {
    expect(() => formatClassificationReport(result, ['a', 'b'])).toThrow(
      /got 2 class names for 6 classes/,
    );
  });
});
