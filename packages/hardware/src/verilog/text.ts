/** Bits of an unsigned magnitude (at least 1). */
function magnitudeBits(value: bigint): number {
  return Math.max(1, value.toString(2).length);
}

/**
 * A signed Verilog literal of `value` at least `width` bits wide (wider when the value needs it),
 * written as `-12'sd5` / `12'sd5` so that expressions keep their signedness.
 */
export function signedLiteral(value: number, width: number): string {
  const magnitude = BigInt(Math.abs(value));
  const bits = Math.max(width, magnitudeBits(magnitude) + 1);
  return `${value < 0 ? '-' : ''}${bits}'sd${magnitude}`;
}

/** An unsigned literal `width` bits wide. */
export function unsignedLiteral(value: number | bigint, width: number): string {
  return `${width}'d${BigInt(value)}`;
}

/**
 * Integers packed into one vector, element `i` in bits `[i*width +: width]` (two's complement),
 * as a sized hexadecimal literal: how a layer's weights become one constant.
 */
export function packedLiteral(values: readonly number[], width: number): string {
  const total = values.length * width;
  const modulus = 1n << BigInt(width);
  let packed = 0n;
  for (let index = values.length - 1; index >= 0; index--) {
    const value = BigInt(values[index]);
    packed = (packed << BigInt(width)) | (((value % modulus) + modulus) % modulus);
  }
  return `${total}'h${packed.toString(16)}`;
}

/** A Verilog identifier from a node name (`seq_blocks_2` stays, anything else becomes `_`). */
export function identifier(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `n_${cleaned}`;
}
