import { readFileSync } from 'node:fs';

/** Advance widths of a TrueType font's characters, in em (1 = the font size). */
export interface FontWidths {
  /** Width of one character (a code point), in em. */
  advance(codePoint: number): number;
}

function table(font: Buffer, tag: string): number {
  const count = font.readUInt16BE(4);
  for (let index = 0; index < count; index++) {
    const record = 12 + index * 16;
    if (font.toString('latin1', record, record + 4) === tag) return font.readUInt32BE(record + 8);
  }
  throw new Error(`the font has no ${tag} table`);
}

/**
 * Read the advance widths of a TrueType font (its `cmap` format 4 and `hmtx` tables), so that
 * Vega lays a figure out with the widths of the font the PNG is drawn with. Without a canvas,
 * Vega guesses 0.8 em per character, which is about a third too wide for DejaVu Sans and leaves
 * the plot narrow beside an over-wide legend.
 */
export function readFontWidths(file: string): FontWidths {
  const font = readFileSync(file);
  const unitsPerEm = font.readUInt16BE(table(font, 'head') + 18);
  const metrics = table(font, 'hmtx');
  const hMetrics = font.readUInt16BE(table(font, 'hhea') + 34);
  const cmap = table(font, 'cmap');
  let format4 = -1;
  for (let index = 0; index < font.readUInt16BE(cmap + 2); index++) {
    const record = cmap + 4 + index * 8;
    const platform = font.readUInt16BE(record);
    const encoding = font.readUInt16BE(record + 2);
    const offset = cmap + font.readUInt32BE(record + 4);
    if ((platform === 3 && encoding === 1) || (platform === 0 && encoding === 3))
      if (font.readUInt16BE(offset) === 4) {
        format4 = offset;
        break;
      }
  }
  if (format4 < 0) throw new Error(`${file} has no Unicode BMP character map`);
  const segments = font.readUInt16BE(format4 + 6) / 2;
  const ends = format4 + 14;
  const starts = ends + segments * 2 + 2;
  const deltas = starts + segments * 2;
  const rangeOffsets = deltas + segments * 2;
  const glyphOf = (codePoint: number): number => {
    for (let segment = 0; segment < segments; segment++) {
      if (font.readUInt16BE(ends + segment * 2) < codePoint) continue;
      const start = font.readUInt16BE(starts + segment * 2);
      if (start > codePoint) return 0;
      const delta = font.readInt16BE(deltas + segment * 2);
      const rangeAt = rangeOffsets + segment * 2;
      const rangeOffset = font.readUInt16BE(rangeAt);
      if (rangeOffset === 0) return (codePoint + delta) & 0xffff;
      const glyph = font.readUInt16BE(rangeAt + rangeOffset + (codePoint - start) * 2);
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
  const cache = new Map<number, number>();
  return {
    advance(codePoint) {
      let width = cache.get(codePoint);
      if (width === undefined) {
        const glyph = codePoint > 0xffff ? 0 : glyphOf(codePoint);
        width = font.readUInt16BE(metrics + Math.min(glyph, hMetrics - 1) * 4) / unitsPerEm;
        cache.set(codePoint, width);
      }
      return width;
    },
  };
}

/** The width of `text` in pixels at `size`, summing advances (kerning left out). */
export function textWidth(widths: FontWidths, text: string, size: number): number {
  let em = 0;
  for (const character of text) em += widths.advance(character.codePointAt(0)!);
  return em * size;
}
