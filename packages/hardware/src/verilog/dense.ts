import type { DenseStage, IntegerTensor } from '@machop/graph/integer';
import { identifier, packedLiteral } from './text.js';

/** The module name of a dense stage. */
export function denseModuleName(stage: DenseStage): string {
  return `${identifier(stage.node)}_dense`;
}

/**
 * A dense layer as a Verilog-2005 module: weights and biases are constants (one packed
 * localparam each), `MULTIPLIERS` sets how many products are computed per cycle (the localparams
 * below derive the schedule exactly as `denseSchedule` does), each unit's products are summed in
 * one procedural block, and valid/ready handshakes on both sides. All arithmetic is modulo
 * 2^WA, where WA holds the exact sum, so no partial sum can spoil the result.
 */
export function denseModule(stage: DenseStage, input: IntegerTensor, multipliers: number): string {
  const inputs = stage.inputs;
  const units = stage.units;
  const wi = input.width;
  const ww = stage.weightWidth;
  const wa = stage.output.width;
  return `// ${stage.node}: dense ${inputs} -> ${units}; inputs ${wi}-bit (frac ${input.frac}), weights ${ww}-bit, sums ${wa}-bit (frac ${stage.output.frac})
module ${denseModuleName(stage)} #(
  parameter MULTIPLIERS = ${multipliers}
) (
  input wire clk,
  input wire rst,
  input wire in_valid,
  output wire in_ready,
  input wire [${inputs * wi - 1}:0] in_data,
  output reg out_valid,
  input wire out_ready,
  output wire [${units * wa - 1}:0] out_data
);
  localparam INPUTS = ${inputs};
  localparam UNITS = ${units};
  localparam WI = ${wi};
  localparam WW = ${ww};
  localparam WA = ${wa};
  // Weight of unit u and input k at [(u * INPUTS + k) * WW +: WW]; bias of unit u at [u * WA +: WA].
  localparam [INPUTS*UNITS*WW-1:0] WEIGHTS = ${packedLiteral(stage.weights, ww)};
  localparam [UNITS*WA-1:0] BIASES = ${packedLiteral(stage.biases, wa)};
  localparam LANES = MULTIPLIERS < 1 ? 1 : (MULTIPLIERS > INPUTS * UNITS ? INPUTS * UNITS : MULTIPLIERS);
  localparam PER_UNIT = LANES < INPUTS ? LANES : INPUTS;
  localparam UNITS_AT_ONCE = LANES < INPUTS ? 1 : (LANES / INPUTS < UNITS ? LANES / INPUTS : UNITS);
  localparam INPUT_STEPS = (INPUTS + PER_UNIT - 1) / PER_UNIT;
  localparam UNIT_STEPS = (UNITS + UNITS_AT_ONCE - 1) / UNITS_AT_ONCE;

  reg busy;
  reg [INPUTS*WI-1:0] x;
  reg [15:0] input_step;
  reg [15:0] unit_step;
  wire [INPUTS*UNITS*WW-1:0] weight_bits = WEIGHTS;
  wire [UNITS*WA-1:0] bias_bits = BIASES;
  wire [UNITS_AT_ONCE*WA-1:0] partial;

  assign in_ready = !busy && (!out_valid || out_ready);

  always @(posedge clk) begin
    if (rst) begin
      busy <= 1'b0;
      out_valid <= 1'b0;
      input_step <= 16'd0;
      unit_step <= 16'd0;
    end else begin
      if (out_valid && out_ready) out_valid <= 1'b0;
      if (in_valid && in_ready) begin
        x <= in_data;
        busy <= 1'b1;
        input_step <= 16'd0;
        unit_step <= 16'd0;
      end else if (busy) begin
        if (input_step == INPUT_STEPS - 1) begin
          input_step <= 16'd0;
          if (unit_step == UNIT_STEPS - 1) begin
            busy <= 1'b0;
            out_valid <= 1'b1;
            unit_step <= 16'd0;
          end else unit_step <= unit_step + 16'd1;
        end else input_step <= input_step + 16'd1;
      end
    end
  end

  genvar i, u;
  generate
    for (i = 0; i < UNITS_AT_ONCE; i = i + 1) begin : lane
      // One procedural sum per lane: a simulator evaluates it once per change of x, where a
      // net per adder would ripple events through every adder above it.
      reg [WA-1:0] total;
      reg signed [WI-1:0] xv;
      reg signed [WW-1:0] wv;
      reg signed [WA-1:0] product;
      integer j, k, unit;
      always @* begin
        total = {WA{1'b0}};
        unit = (UNIT_STEPS == 1 ? 0 : unit_step) * UNITS_AT_ONCE + i;
        for (j = 0; j < PER_UNIT; j = j + 1) begin
          k = (INPUT_STEPS == 1 ? 0 : input_step) * PER_UNIT + j;
          if (k < INPUTS && unit < UNITS) begin
            xv = x[k*WI +: WI];
            wv = weight_bits[(unit*INPUTS + k)*WW +: WW];
            product = xv * wv;
            total = total + product;
          end
        end
      end
      assign partial[i*WA +: WA] = total;
    end
    for (u = 0; u < UNITS; u = u + 1) begin : sum
      reg [WA-1:0] acc;
      always @(posedge clk)
        if (busy && (UNIT_STEPS == 1 || unit_step == u / UNITS_AT_ONCE))
          acc <= ((INPUT_STEPS == 1 || input_step == 0) ? bias_bits[u*WA +: WA] : acc)
            + partial[(u % UNITS_AT_ONCE)*WA +: WA];
      assign out_data[u*WA +: WA] = acc;
    end
  endgenerate
endmodule
`;
}
