/**
 * CRC-32C (Castagnoli), the checksum TFRecord files use, and TFRecord's CRC mask.
 *
 * Written for Uint8Array rather than Node's Buffer so the same code can parse event files in a
 * browser (the dashboard).
 */

/** The CRC-32C polynomial 0x1EDC6F41, bit-reversed because the CRC is computed LSB first. */
const CASTAGNOLI_REFLECTED = 0x82f63b78;

/** The constant TFRecord adds after rotating a CRC (see {@link maskCrc32c}). */
const MASK_DELTA = 0xa282ead8;

// One entry per byte value: the CRC register after shifting that byte through eight rounds.
const TABLE = buildTable();

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let register = byte;
    for (let bit = 0; bit < 8; bit++) {
      register = register & 1 ? (register >>> 1) ^ CASTAGNOLI_REFLECTED : register >>> 1;
    }
    table[byte] = register >>> 0;
  }
  return table;
}

/** CRC-32C of `bytes` (initial value and final XOR 0xFFFFFFFF), as an unsigned 32-bit number. */
export function crc32c(bytes: Uint8Array): number {
  let register = 0xffffffff;
  for (const byte of bytes) {
    register = TABLE[(register ^ byte) & 0xff] ^ (register >>> 8);
  }
  return (register ^ 0xffffffff) >>> 0;
}

/**
 * The masked CRC that TFRecord stores: rotate right by 15 bits, then add a constant. TensorFlow
 * masks because a CRC of data that itself embeds CRCs is weak; files must match it bit for bit.
 */
export function maskCrc32c(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}
