import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { FONT_FAMILY } from './spec.js';
import { readFontWidths, textWidth, type FontWidths } from './text-width.js';

const require = createRequire(import.meta.url);

/**
 * The font files PNGs are drawn with: DejaVu Sans from the `dejavu-fonts-ttf` package, so text
 * renders the same on a machine without any system fonts.
 */
export function fontFiles(): string[] {
  return [
    require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
    require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
  ];
}

type TextWidth = (
  item: { fontSize?: number; fontWeight?: string | number },
  text?: string | number | null,
) => number;

let widths: { regular: FontWidths; bold: FontWidths } | undefined;

/**
 * Make Vega measure text with the advance widths of the bundled DejaVu Sans (the font every
 * figure names and the PNG is drawn with) instead of its canvas-less guess. Vega's scenegraph
 * takes a user-defined `textMetrics.width` for this (vl-convert sets one too).
 */
function measureWithBundledFont(): void {
  if (widths === undefined) {
    const [regular, bold] = fontFiles();
    widths = { regular: readFontWidths(regular), bold: readFontWidths(bold) };
  }
  const fonts = widths;
  // vega re-exports vega-scenegraph's textMetrics, which its typings leave out.
  const { textMetrics } = vega as unknown as { textMetrics: { width: TextWidth } };
  textMetrics.width = (item, text) => {
    const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
    const weight = item.fontWeight;
    const bold = weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
    return textWidth(bold ? fonts.bold : fonts.regular, text == null ? '' : String(text), size);
  };
}

/**
 * Render a Vega-Lite spec to an SVG document, headless: Vega's scenegraph is drawn straight to
 * SVG text, with no canvas or browser.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  measureWithBundledFont();
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Options of {@link svgToPng}. */
export interface PngOptions {
  /** Pixels per SVG unit: 2 for a sharper image twice the size. */
  scale?: number;
}

/**
 * Draw an SVG document to PNG bytes with resvg, using only the bundled DejaVu Sans (system fonts
 * are not loaded, so the output does not depend on the machine).
 */
export function svgToPng(svg: string, options: PngOptions = {}): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo:
      options.scale && options.scale !== 1 ? { mode: 'zoom', value: options.scale } : undefined,
    background: 'white',
    font: {
      loadSystemFonts: false,
      fontFiles: fontFiles(),
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
  });
  return resvg.render().asPng();
}

/** Render a Vega-Lite spec to PNG bytes: {@link renderSvg}, then {@link svgToPng}. */
export async function renderPng(spec: TopLevelSpec, options: PngOptions = {}): Promise<Uint8Array> {
  return svgToPng(await renderSvg(spec), options);
}
