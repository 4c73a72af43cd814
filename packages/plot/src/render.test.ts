import { Resvg } from '@resvg/resvg-js';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { linePlot } from './curves.js';
import { renderPng, renderSvg, svgToPng } from './render.js';
import { readPlotRuns } from './runs.js';
import { lineSpec, summarySpec } from './spec.js';
import { summaryPlot } from './summary.js';
import { tempProjectDir, writeRun } from './test-runs.js';

async function runs() {
  const root = tempProjectDir();
  for (const batchSize of [64, 128, 256])
    for (const seed of [0, 1])
      writeRun(root, 'p', { id: `bs${batchSize}-s${seed}`, batchSize, seed });
  // A fourth setting with a single run: a curve without a band.
  writeRun(root, 'p', { id: 'bs512', batchSize: 512 });
  return readPlotRuns(root, { project: 'p' });
}

type XmlNode = Record<string, unknown> & { ':@'?: Record<string, string> };

/** For each `<g>` holding the marks named `name` in the spec, how many `<path>`s it has. */
function markPaths(svg: string, name: string): number[] {
  const tree = new XMLParser({ preserveOrder: true, ignoreAttributes: false }).parse(
    svg,
  ) as XmlNode[];
  const found: number[] = [];
  const walk = (nodes: XmlNode[]) => {
    for (const node of nodes) {
      const tag = Object.keys(node).find((key) => key !== ':@')!;
      const children = (node[tag] ?? []) as XmlNode[];
      if (tag === 'g' && (node[':@']?.['@_class'] ?? '').split(' ').includes(`${name}_marks`))
        found.push(children.filter((child) => 'path' in child).length);
      if (Array.isArray(children)) walk(children);
    }
  };
  walk(tree);
  return found;
}

function decode(png: Uint8Array) {
  return PNG.sync.read(Buffer.from(png));
}

describe('rendering', () => {
  it('draws one line per curve, one band per group of repeats and the raw curves faint behind', async () => {
    const plot = linePlot(await runs(), { metric: 'train_loss_step' });
    const svg = await renderSvg(lineSpec(plot));
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(markPaths(svg, 'curve')).toEqual([1, 1, 1, 1]);
    expect(markPaths(svg, 'raw')).toEqual([1, 1, 1, 1]);
    // Three batch sizes have two seeds each; 512 has one run and no band.
    expect(markPaths(svg, 'band')).toEqual([1, 1, 1]);
    for (const label of [
      'batch-size=64',
      'batch-size=512',
      'band: min–max',
      'training loss (per step) (smoothed 0.6)',
    ])
      expect(svg).toContain(label);
    expect(svg).toContain('font-family="DejaVu Sans"');
  });

  it('draws a summary with a mean and an error bar per setting and each run beside it', async () => {
    const plot = summaryPlot(await runs(), { metric: 'val_acc_epoch', value: 'final' });
    const svg = await renderSvg(summarySpec(plot));
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg.match(/aria-roledescription="point"/g)).toHaveLength(4 + 7);
    expect(svg).toContain('final validation accuracy by batch-size');
    expect(svg).toContain('bars: min–max');
  });

  it('renders a PNG of the asked size that is not blank, with text drawn in the bundled font', async () => {
    const spec = lineSpec(linePlot(await runs(), { metric: 'val_acc_epoch' }), {
      width: 720,
      height: 360,
    });
    const image = decode(await renderPng(spec));
    expect([image.width, image.height]).toEqual([720, 360]);
    const colours = new Set<number>();
    for (let index = 0; index < image.data.length; index += 4)
      colours.add(image.data.readUInt32BE(index));
    expect(colours.size).toBeGreaterThan(100);

    // The same SVG drawn with no font at all has no text: the pixels that differ are the text,
    // and the legend (right of the plot) must have some.
    const svg = await renderSvg(spec);
    const bare = decode(
      new Resvg(svg, { background: 'white', font: { loadSystemFonts: false, fontFiles: [] } })
        .render()
        .asPng(),
    );
    let text = 0;
    let legendText = 0;
    for (let index = 0; index < image.data.length; index += 4) {
      if (image.data.readUInt32BE(index) === bare.data.readUInt32BE(index)) continue;
      text++;
      if ((index / 4) % image.width > image.width / 2) legendText++;
    }
    expect(text).toBeGreaterThan(1000);
    expect(legendText).toBeGreaterThan(300);
  });

  it('scales a PNG', async () => {
    const svg = await renderSvg(
      summarySpec(summaryPlot(await runs(), { metric: 'val_acc_epoch' })),
    );
    const image = decode(svgToPng(svg, { scale: 2 }));
    expect([image.width, image.height]).toEqual([1280, 800]);
  });
});
