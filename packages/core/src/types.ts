import type * as tfjs from '@machop/core/tf';

/** The TensorFlow.js namespace (core ops and layers) handed to plugins, so they share one engine. */
export type Tf = typeof tfjs;

/** A tfjs Layers model, as built by a model entry. */
export type LayersModel = tfjs.LayersModel;

/** The task an entry solves. Only classification exists today; more may be added. */
export type Task = 'classification';

/** The shape of a tabular classification problem. */
export interface DataShape {
  /** Number of input features per sample. */
  features: number;
  /** Number of classes. */
  classes: number;
}

/**
 * An option that a model or data set accepts. The CLI exposes it as a flag: `labelColumn`
 * becomes `--label-column`, and `ch info NAME` lists it.
 */
export interface OptionSpec {
  /** camelCase name, used as the key in {@link OptionValues}. */
  name: string;
  /** How a flag's text is parsed: `number-list` takes `64,32,32`. */
  type: 'string' | 'number' | 'integer' | 'boolean' | 'number-list';
  description: string;
  default?: string | number | boolean | readonly number[];
  /** Allowed values, for `string` options. */
  choices?: readonly string[];
  /** Must be given (no default makes sense). */
  required?: boolean;
}

/** Values of the options of one entry, keyed by {@link OptionSpec.name}. */
export type OptionValues = Readonly<Record<string, unknown>>;

/** Where long-running work reports to. The CLI sends it to stderr; libraries stay silent by default. */
export interface Reporter {
  /** A line of information, such as "using cached file ...". */
  info(message: string): void;
  /** Progress of a named task; `total` is undefined when unknown. */
  progress?(task: string, done: number, total: number | undefined): void;
}

/**
 * One layer of a sequential model described as data, so that engines other than tfjs (such as a
 * fused training engine) can build the same model.
 */
export type LayerSpec =
  | { type: 'dense'; units: number; useBias?: boolean; quant?: QuantSpec }
  | { type: 'batchNorm'; momentum?: number; epsilon?: number }
  | {
      type: 'activation';
      activation: 'relu' | 'tanh' | 'sigmoid' | 'elu' | 'selu' | 'linear';
      quant?: QuantSpec;
    }
  | { type: 'dropout'; rate: number };

/**
 * A fixed-point format: `width` bits in all, `frac` of them after the binary point, so the grid
 * step is `2^-frac`. Signed formats hold `[-2^(width-1), 2^(width-1) - 1]` steps, unsigned
 * `[0, 2^width - 1]`.
 */
export interface FixedFormat {
  width: number;
  frac: number;
}

/**
 * Fake quantization of one layer, as MASE's integer quantizer does it: each value named here is
 * rounded onto its fixed-point grid (half to even, or down with `floor`) and saturated, then the
 * layer computes in float; training passes gradients straight through (the STE). A dense layer
 * quantizes its input, weight and bias, and its output only when `dataOut` is given; a ReLU
 * quantizes its input, unsigned. A format left out leaves that value float. The arithmetic is
 * `quantize` in `@machop/graph`; every engine matches it exactly.
 */
export interface QuantSpec {
  dataIn?: FixedFormat;
  weight?: FixedFormat;
  bias?: FixedFormat;
  dataOut?: FixedFormat;
  /** Round down instead of half to even. */
  floor?: boolean;
  /**
   * The quantizer name MASE's config gave: `"integer"` (the default, when absent) or `"fixed"`.
   * MASE computes both the same way (its `linear_fixed` is `LinearInteger`); the name is kept so
   * that a graph rebuilt from a checkpoint still gives its arguments the precision type the
   * config asked for.
   */
  arithmetic?: 'integer' | 'fixed';
}

/**
 * The quantization of a sequential model, layer by layer: entry `i` is layer `i`'s
 * {@link QuantSpec}, or null for a layer that stays float. `ch transform` writes it into a run;
 * loading the run builds the model with it.
 */
export type LayerQuant = readonly (QuantSpec | null)[];

/** What {@link ModelEntry.create} is given. */
export interface ModelContext extends DataShape {
  /** The entry's options, defaults already applied. */
  options: OptionValues;
  /**
   * Per-layer fake quantization to build the model with (a transformed run's); absent for the
   * float model. Entries made with `sequentialEntry` apply it to their layer list and their tfjs
   * model alike; a model without a layer list cannot be quantized.
   */
  quant?: LayerQuant;
  /** Seed for weight initialisation; the same seed gives the same weights. */
  seed: number;
  /** The TensorFlow.js namespace to build with (do not import your own copy). */
  tf: Tf;
}

/** A model that the registry can build. */
export interface ModelEntry {
  /** One line, shown by `ch list models`. */
  description: string;
  task: Task;
  /** Options the model accepts (shown by `ch info`, given as flags). */
  options?: readonly OptionSpec[];
  /**
   * The model as a list of layers, for engines other than tfjs. Optional: a model that is not
   * sequential leaves it out and only provides {@link ModelEntry.create}.
   */
  layers?(context: Omit<ModelContext, 'tf'>): LayerSpec[];
  /**
   * Build a new tfjs model taking `[batch, features]` and returning `[batch, classes]` logits
   * (the loss applies the softmax).
   */
  create(context: ModelContext): LayersModel;
  /** The trainable parameter count this entry promises for a shape; checked by the conformance suite. */
  trainableParams?(context: Omit<ModelContext, 'tf' | 'seed'>): number;
}

/** One split of a tabular data set: row-major features and integer class labels. */
export interface Split {
  /** `size * features` values, row-major. */
  x: Float32Array;
  /** `size` class indices in `[0, classes)`. */
  y: Int32Array;
  size: number;
}

/** How a data set is split into train, validation and test rows. */
export interface SplitOptions {
  /** Seed of the shuffle that assigns rows to splits. */
  seed: number;
  /** Fraction of all rows held out for test. */
  testFraction: number;
  /** Fraction of the remaining (training) rows held out for validation. */
  valFraction: number;
}

/** A feature scaler fitted on the training rows: `x' = (x - mean) / scale`. */
export interface Scaler {
  mean: number[];
  scale: number[];
}

/** A loaded, split and scaled tabular classification data set. */
export interface TabularDataset extends DataShape {
  name: string;
  featureNames: string[];
  classNames: string[];
  train: Split;
  validation: Split;
  test: Split;
  /** Fitted on `train` only and already applied to every split. */
  scaler: Scaler;
  split: SplitOptions;
  /** Where the rows came from and what preprocessing removed. */
  source: {
    description: string;
    file?: string;
    checksum?: string;
    rows: number;
    duplicatesDropped: number;
  };
}

/** What {@link DatasetEntry.load} is given. */
export interface DatasetContext {
  /** The entry's options, defaults already applied. */
  options: OptionValues;
  split: SplitOptions;
  /** Folder for downloads (`$MACHOP_CACHE_DIR`, else the user's cache folder). */
  cacheDir: string;
  /**
   * When given, apply this scaler instead of fitting one on the training rows: `ch test` uses it
   * to preprocess data exactly as the run it evaluates did.
   */
  scaler?: Scaler;
  reporter: Reporter;
  signal?: AbortSignal;
}

/** A data set that the registry can load. */
export interface DatasetEntry {
  /** One line, shown by `ch list datasets`. */
  description: string;
  task: Task;
  options?: readonly OptionSpec[];
  /**
   * The shape when it is known without loading (jsc: 16 features, 5 classes), so that
   * `ch info MODEL --dataset NAME` needs no data. Leave out when it depends on the file.
   */
  shape?: DataShape;
  load(context: DatasetContext): Promise<TabularDataset>;
}
