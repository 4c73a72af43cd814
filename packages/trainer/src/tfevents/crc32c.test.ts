import { describe, expect, it } from 'vitest';
import { crc32c, maskCrc32c } from './crc32c.js';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);
const bytesOf = (length: number, byteAt: (index: number) => number): Uint8Array =>
  Uint8Array.from({ length }, (_, index) => byteAt(index));

// Inverse of the mask as TensorFlow's crc32c.h defines it: subtract, then rotate left by 15.
function unmask(masked: number): number {
  const rotated = (masked - 0xa282ead8) >>> 0;
  return ((rotated >>> 17) | (rotated << 15)) >>> 0;
}

describe('crc32c', () => {
  it('gives the standard CRC-32C check value for "123456789"', () => {
    expect(crc32c(ascii('123456789'))).toBe(0xe3069283);
  });

  it('matches the RFC 3720 appendix B.4 test vectors', () => {
    expect(crc32c(bytesOf(32, () => 0x00))).toBe(0x8a9136aa);
    expect(crc32c(bytesOf(32, () => 0xff))).toBe(0x62a8ab43);
    expect(crc32c(bytesOf(32, (index) => index))).toBe(0x46dd794e);
    expect(crc32c(bytesOf(32, (index) => 31 - index))).toBe(0x113fdb5c);
  });

  it('is 0 for no bytes and differs from zlib CRC-32 (0xCBF43926 for the check string)', () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
    expect(crc32c(ascii('123456789'))).not.toBe(0xcbf43926);
  });

  it('reads a subarray, not the whole underlying buffer', () => {
    const padded = ascii('xx123456789yy');
    expect(crc32c(padded.subarray(2, 11))).toBe(0xe3069283);
  });
});

describe('maskCrc32c', () => {
  it('adds the TFRecord constant to a rotated CRC (rotating 0 gives 0)', () => {
    expect(maskCrc32c(0)).toBe(0xa282ead8);
  });

  it('rotates right by 15 bits: a lone bit 15 lands on bit 0', () => {
    expect(maskCrc32c(1 << 15)).toBe(0xa282ead8 + 1);
    expect(maskCrc32c(1)).toBe((0xa282ead8 + 2 ** 17) >>> 0);
  });

  it('is undone by TensorFlow unmask and always yields an unsigned 32-bit number', () => {
    for (const crc of [0, 1, 0xe3069283, 0x8a9136aa, 0xffffffff, crc32c(ascii('brain.Event:2'))]) {
      const masked = maskCrc32c(crc);
      expect(masked).toBeGreaterThanOrEqual(0);
      expect(masked).toBeLessThanOrEqual(0xffffffff);
      expect(unmask(masked)).toBe(crc);
    }
  });
});
