import type { QuantSpec } from '@machop/core/base';
import { fixedFormat } from '../fixed.js';
import { PassArgumentError } from './types.js';

/** A node's config as MASE's TOML gives it (`[passes.quantize.linear.config]`). */
export type NodeQuantConfig = Record<string, unknown>;

/** A parsed node config: the QuantSpec (its `arithmetic` set for `"fixed"`), and MASE's arithmetic name. */
export interface ParsedQuantConfig {
  arithmetic: 'integer' | 'fixed';
  quant: QuantSpec;
}

/** MASE's ops it quantizes that our layers have (it never quantizes BatchNorm1d). */
export const QUANTIZABLE_OPS = ['linear', 'relu', 'selu', 'tanh'] as const;

/**
 * Reads one node's config: `name = "NA"` (or none) leaves the node float (null); `"integer"` or
 * `"fixed"` give formats from `data_in_*`, `weight_*`, `bias_*` (the weight's when left out),
 * `data_out_*` and `floor`. A frac width of `"NA"` is width // 2. Anything else throws, naming
 * `where` and the fix.
 */
export function parseNodeConfig(
  config: NodeQuantConfig,
  op: string,
  where: string,
): ParsedQuantConfig | null {
  const name = config.name;
  if (name === undefined || name === null || name === 'NA') return null;
  if (name !== 'integer' && name !== 'fixed')
    throw new PassArgumentError(
      `${where}.name = ${JSON.stringify(name)} is not supported; use "integer", "fixed" or "NA" (leave float)`,
    );
  const format = (prefix: string, required: boolean) => {
    const width = config[`${prefix}_width`];
    if (width === undefined || width === 'NA') {
      if (!required) return undefined;
      throw new PassArgumentError(
        `${where}.${prefix}_width is missing; add ${prefix}_width = 8 (and ${prefix}_frac_width)`,
      );
    }
    try {
      return fixedFormat(width, config[`${prefix}_frac_width`] ?? 'NA', `${where}.${prefix}`);
    } catch (error) {
      throw new PassArgumentError((error as Error).message);
    }
  };
  // "integer" is the default, so only "fixed" is written down (older checkpoints stay equal).
  const quant: QuantSpec = {
    dataIn: format('data_in', true),
    ...(name === 'fixed' ? { arithmetic: name } : {}),
  };
  if (op === 'linear') {
    quant.weight = format('weight', true);
    quant.bias = format('bias', false) ?? quant.weight;
    const dataOut = format('data_out', false);
    if (dataOut) quant.dataOut = dataOut;
    if (config.floor !== undefined && typeof config.floor !== 'boolean')
      throw new PassArgumentError(
        `${where}.floor must be true or false, not ${JSON.stringify(config.floor)}`,
      );
    if (config.floor === true) quant.floor = true;
  }
  return { arithmetic: name, quant };
}
