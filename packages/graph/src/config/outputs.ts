import { quantizeHistogramCsv, quantizeTableCsv, type QuantizeInfo } from '../passes/quantize.js';
import type { PassReport } from './run-passes.js';

/** A file a transform writes, relative to MASE's `<project>/software/transform/`. */
export interface TransformFile {
  path: string;
  text: string;
}

/**
 * The files MASE writes for the passes that ran, under MASE's names: for `quantize`,
 * `quantize/quantize_table.csv` and `quantize/quantize_histogram.csv`. Text only: the caller
 * writes them (atomically).
 */
export function transformFiles(reports: readonly PassReport[]): TransformFile[] {
  return reports.flatMap((report) => {
    if (report.name !== 'quantize') return [];
    const info = report.info as QuantizeInfo;
    return [
      { path: 'quantize/quantize_table.csv', text: quantizeTableCsv(info.table) },
      { path: 'quantize/quantize_histogram.csv', text: quantizeHistogramCsv(info.histogram) },
    ];
  });
}
