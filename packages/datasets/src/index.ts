/**
 * @machop/datasets: the real JSC jet-substructure data (downloaded from OpenML, verified and
 * cached, or read offline), any CSV file, and a synthetic toy set, registered through the public
 * plugin API; plus the preprocessing (dedupe, split, scale) they share, for
 * third-party data sets.
 *
 * @packageDocumentation
 */
import { datasetsPlugin } from './plugin.js';

export { datasetsPlugin };
export { prepareTabular, type PrepareOptions } from './prepare/prepare.js';
export { fitScaler, applyScaler } from './prepare/scaler.js';
export { parseArff } from './parse/arff.js';
export { parseArffFile } from './parse/arff-file.js';
export { parseCsv } from './parse/csv.js';
export { readFeatureRows, parseFeatureRows, type FeatureRows } from './parse/feature-rows.js';
export type { LabelledTable, ColumnChoice } from './parse/table.js';
export {
  summarizeDataset,
  formatDatasetSummary,
  type DatasetSummary,
  type ClassCount,
} from './summary.js';
export { JSC_FEATURES, JSC_CLASSES, JSC_OPENML_ID } from './jsc/schema.js';
export default datasetsPlugin;
