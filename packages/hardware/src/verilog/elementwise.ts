import { stepRange, type IntegerStage, type IntegerTensor } from '@machop/graph/integer';
import { packedLiteral, signedLiteral, unsignedLiteral } from './text.js';

/**
 * Verilog for one element-wise stage (batch norm's affine, ReLU, requantization) from wire
 * `from` to wire `to`: combinational, one procedural block `name` looping over the channels (a
 * simulator then evaluates a stage once per change of its input, not once per channel).
 */
export function elementwise(
  stage: Exclude<IntegerStage, { kind: 'dense' }>,
  input: IntegerTensor,
  from: string,
  to: string,
  name: string,
): string {
  const wa = input.width;
  const wb = stage.output.width;
  const size = input.size;
  const open = `  reg [${size * wb - 1}:0] ${name};
  assign ${to} = ${name};
`;
  switch (stage.kind) {
    case 'relu':
      return `  // ${stage.node}: ReLU
${open}  integer ${name}_c;
  reg [${wa - 1}:0] ${name}_v;
  always @* begin
    ${name} = ${size * wb}'d0;
    for (${name}_c = 0; ${name}_c < ${size}; ${name}_c = ${name}_c + 1) begin
      ${name}_v = ${from}[${name}_c*${wa} +: ${wa}];
      ${name}[${name}_c*${wb} +: ${wb}] = ${name}_v[${wa - 1}] ? ${wb}'d0 : ${name}_v[${wb - 1}:0];
    end
  end
`;
    case 'affine': {
      const ws = Math.max(...stage.scales.map((scale) => signedLiteralWidth(scale)));
      return `  // ${stage.node}: batch norm as s * x + o per channel, s at frac ${stage.scaleFormat.frac}
${open}  localparam [${size * ws - 1}:0] ${name.toUpperCase()}_SCALES = ${packedLiteral(stage.scales, ws)};
  localparam [${size * wb - 1}:0] ${name.toUpperCase()}_OFFSETS = ${packedLiteral(stage.offsets, wb)};
  wire [${size * ws - 1}:0] ${name}_scales = ${name.toUpperCase()}_SCALES;
  wire [${size * wb - 1}:0] ${name}_offsets = ${name.toUpperCase()}_OFFSETS;
  integer ${name}_c;
  reg signed [${wa - 1}:0] ${name}_v;
  reg signed [${ws - 1}:0] ${name}_s;
  reg signed [${wb - 1}:0] ${name}_o;
  reg signed [${wb - 1}:0] ${name}_y;
  always @* begin
    ${name} = ${size * wb}'d0;
    for (${name}_c = 0; ${name}_c < ${size}; ${name}_c = ${name}_c + 1) begin
      ${name}_v = ${from}[${name}_c*${wa} +: ${wa}];
      ${name}_s = ${name}_scales[${name}_c*${ws} +: ${ws}];
      ${name}_o = ${name}_offsets[${name}_c*${wb} +: ${wb}];
      ${name}_y = ${name}_v * ${name}_s + ${name}_o;
      ${name}[${name}_c*${wb} +: ${wb}] = ${name}_y;
    end
  end
`;
    }
    case 'requantize':
      return open + requantize(stage, input, from, name);
  }
}

/** Signed bits of one value. */
function signedLiteralWidth(value: number): number {
  return Math.abs(value).toString(2).length + 1;
}

function requantize(
  stage: Extract<IntegerStage, { kind: 'requantize' }>,
  input: IntegerTensor,
  from: string,
  name: string,
): string {
  const wa = input.width;
  const wb = stage.output.width;
  const shift = stage.format.frac - input.frac;
  const [low, high] = stepRange(stage.format, stage.unsigned);
  const rounding = stage.floor ? 'down' : 'half to even';
  const drop = Math.max(0, -shift);
  // Wide enough for the shifted value, its carry, and the shift either way.
  const wide = Math.max(wa, drop + 1) + Math.max(0, shift) + 2;
  const half = drop > 0 ? unsignedLiteral(1n << BigInt(drop - 1), drop) : '';
  const up =
    drop === 0 || stage.floor
      ? ''
      : `      ${name}_up = (${name}_v[${drop - 1}:0] > ${half}) || (${name}_v[${drop - 1}:0] == ${half} && ${name}_q[0]);
      ${name}_q = ${name}_q + $signed({1'b0, ${name}_up});
`;
  const scaled = shift >= 0 ? `${name}_v <<< ${shift}` : `${name}_v >>> ${drop}`;
  return `  // ${stage.node}: quantize to ${stage.format.width}/${stage.format.frac}${stage.unsigned ? ' unsigned' : ''}, ${rounding}, saturating
  integer ${name}_c;
  reg signed [${wide - 1}:0] ${name}_v;
  reg signed [${wide - 1}:0] ${name}_q;
  reg ${name}_up;
  always @* begin
    ${name} = ${input.size * wb}'d0;
    for (${name}_c = 0; ${name}_c < ${input.size}; ${name}_c = ${name}_c + 1) begin
      ${name}_v = $signed(${from}[${name}_c*${wa} +: ${wa}]);
      ${name}_q = ${scaled};
${up}      if (${name}_q < ${signedLiteral(low, wide)}) ${name}_q = ${signedLiteral(low, wide)};
      if (${name}_q > ${signedLiteral(high, wide)}) ${name}_q = ${signedLiteral(high, wide)};
      ${name}[${name}_c*${wb} +: ${wb}] = ${name}_q[${wb - 1}:0];
    end
  end
`;
}
