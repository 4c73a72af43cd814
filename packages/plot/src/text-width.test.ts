import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { fontFiles } from './render.js';
import { readFontWidths, textWidth } from './text-width.js';

describe('readFontWidths', () => {
  it('measures text as resvg draws it with the bundled DejaVu Sans', () => {
    const [regular, bold] = fontFiles();
    for (const [file, weight] of [
      [regular, 'normal'],
      [bold, 'bold'],
    ] as const) {
      const widths = readFontWidths(file);
      for (const text of [
        'batch-size=64',
        'mean of up to 3 runs, band: min–max',
        'WWW iii 0.001',
      ]) {
        // Draw the text alone from x = 0 and compare where its ink ends with the summed advances.
        const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="40"><text x="0" y="30" font-family="DejaVu Sans" font-weight="${weight}" font-size="20">${text}</text></svg>`;
        const box = new Resvg(svg, {
          font: { loadSystemFonts: false, fontFiles: fontFiles() },
        }).getBBox()!;
        const estimate = textWidth(widths, text, 20);
        // Ink stops a little short of the last advance, and kerning is left out: within 4%.
        expect(Math.abs(box.x + box.width - estimate) / estimate).toBeLessThan(0.04);
      }
    }
  });
});
