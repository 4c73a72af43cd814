import type { DatasetEntry } from '@machop/core/base';
import { loadJsc } from './load.js';
import { JSC_CLASSES, JSC_DESCRIPTION, JSC_FEATURES } from './schema.js';

/** `jsc`: the real hls4ml jet-substructure data, downloaded from OpenML or read from --data-dir. */
export const jscEntry: DatasetEntry = {
  description: JSC_DESCRIPTION,
  task: 'classification',
  shape: { features: JSC_FEATURES.length, classes: JSC_CLASSES.length },
  options: [
    {
      name: 'dataDir',
      type: 'string',
      description:
        'folder (or file) holding hls4ml_lhc_jets_hlf.arff or a CSV with the same columns, to work offline; default $MACHOP_DATA_DIR, else download to the cache',
    },
  ],
  load: loadJsc,
};
