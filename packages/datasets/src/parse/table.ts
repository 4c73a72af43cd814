/**
 * A labelled table as read from a file, before preprocessing: one row per sample, features as
 * row-major float32, labels as class indices.
 */
export interface LabelledTable {
  featureNames: string[];
  classNames: string[];
  /** `rows * featureNames.length` values, row-major. */
  x: Float32Array;
  /** `rows` class indices in `[0, classNames.length)`. */
  y: Int32Array;
  rows: number;
}

/** Which columns of a file to read. */
export interface ColumnChoice {
  /** The column holding the class label. */
  labelColumn: string;
  /** Feature columns in the order wanted; default every other column, in file order. */
  featureColumns?: readonly string[];
  /**
   * The class names and their order. When given, any other label is an error; when left out,
   * classes are the declared ones (ARFF nominal) or those met in the file, ordered.
   */
  classNames?: readonly string[];
}
