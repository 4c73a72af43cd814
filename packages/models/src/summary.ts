import { countWeights, type LayersModel } from '@machop/core/base';

/** One row of a {@link ModelSummary}. */
export interface LayerSummary {
  name: string;
  /** The tfjs class name, such as `Dense` or `BatchNormalization`. */
  type: string;
  /** With `null` for the batch dimension; a list of shapes for a layer with several outputs. */
  outputShape: (number | null)[] | (number | null)[][];
  trainable: number;
  nonTrainable: number;
}

/** A model's layers and parameter counts, as plain JSON. */
export interface ModelSummary {
  layers: LayerSummary[];
  trainable: number;
  nonTrainable: number;
  total: number;
}

/**
 * Summarise a model from its actual tfjs weights (never from what an entry declares): each
 * layer's output shape and parameter counts, and totals. Batch-norm running statistics count as
 * non-trainable, as in Keras and PyTorch.
 */
export function summarizeModel(model: LayersModel): ModelSummary {
  const layers = model.layers.map((layer) => ({
    name: layer.name,
    type: layer.getClassName(),
    outputShape: layer.outputShape,
    trainable: countWeights(layer.trainableWeights),
    nonTrainable: countWeights(layer.nonTrainableWeights),
  }));
  // Model-level lists hold each weight once, even one shared by several layers.
  const trainable = countWeights(model.trainableWeights);
  const nonTrainable = countWeights(model.nonTrainableWeights);
  return { layers, trainable, nonTrainable, total: trainable + nonTrainable };
}

function formatShape(shape: LayerSummary['outputShape']): string {
  if (shape.length > 0 && Array.isArray(shape[0]))
    return (shape as (number | null)[][]).map(formatShape).join(', ');
  const dimensions = (shape as (number | null)[]).map((dimension) =>
    dimension === null ? 'None' : String(dimension),
  );
  // Python's tuple notation, as Keras prints it: a one-element tuple keeps its comma.
  return `(${dimensions.join(', ')}${dimensions.length === 1 ? ',' : ''})`;
}

/**
 * A Keras-style table of a {@link ModelSummary}: one row per layer (name and type, output shape,
 * trainable and non-trainable parameters), then the totals. Ends with a newline.
 */
export function formatModelSummary(summary: ModelSummary): string {
  const header = ['Layer (type)', 'Output shape', 'Trainable', 'Non-trainable'];
  const rows = summary.layers.map((layer) => [
    `${layer.name} (${layer.type})`,
    formatShape(layer.outputShape),
    String(layer.trainable),
    String(layer.nonTrainable),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  // Text columns left-aligned, counts right-aligned.
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
      )
      .join('   ')
      .trimEnd();
  const rule = (character: string) =>
    character.repeat(widths.reduce((sum, width) => sum + width, 0) + 3 * (widths.length - 1));
  return [
    line(header),
    rule('='),
    ...rows.map(line),
    rule('='),
    `Total params: ${summary.total}`,
    `Trainable params: ${summary.trainable}`,
    `Non-trainable params: ${summary.nonTrainable}`,
    '',
  ].join('\n');
}
