import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import { parse, View, Error as VEGA_ERROR } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { FONT_FAMILY } from './spec.js';

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

/**
 * Render a Vega-Lite spec to an SVG document, headless: Vega's scenegraph is drawn straight to
 * SVG text, with no canvas or browser.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile(spec).spec;
  const view = new View(parse(compiled), { renderer: 'none', logLevel: VEGA_ERROR });
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
