// Exports of the chart: CSV comes from the lines (model.ts); PNG and SVG from the drawn chart.
import type uPlot from 'uplot';
import type { Line } from './lines';
import { ticks } from './ticks';
import { formatCell as formatValue } from './settings';

export function download(name: string, body: Blob): void {
  const url = URL.createObjectURL(body);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = name;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const LEGEND_ROW = 18;

/** The chart's canvas on white with the legend under it, as a PNG. */
export function chartPng(plot: uPlot, lines: readonly Line[]): Promise<Blob> {
  const source = plot.ctx.canvas;
  const ratio = source.width / plot.width;
  const canvas = document.createElement('canvas');
  canvas.width = source.width;
  canvas.height = source.height + Math.ceil((lines.length * LEGEND_ROW + 8) * ratio);
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(source, 0, 0);
  context.scale(ratio, ratio);
  context.font = '12px sans-serif';
  lines.forEach((line, index) => {
    const y = source.height / ratio + 4 + index * LEGEND_ROW;
    context.fillStyle = line.color;
    context.fillRect(12, y + 3, 14, 4);
    context.fillStyle = '#222';
    context.fillText(line.label, 32, y + 10);
  });
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('no PNG'))), 'image/png'),
  );
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** The same curves and bands as vector graphics, placed with the chart's own scales. */
export function chartSvg(
  plot: uPlot,
  lines: readonly Line[],
  map: { lines: { main: number; lower?: number; upper?: number }[] },
  labels: { x: string; y: string; whole?: boolean },
): string {
  const ratio = plot.ctx.canvas.width / plot.width;
  const left = plot.bbox.left / ratio;
  const top = plot.bbox.top / ratio;
  const width = plot.bbox.width / ratio;
  const height = plot.bbox.height / ratio;
  const xs = plot.data[0];
  const at = (value: number, scale: string) => plot.valToPos(value, scale);
  const path = (index: number) => {
    const ys = plot.data[index];
    let d = '';
    let pen = false;
    xs.forEach((x, point) => {
      const y = ys[point];
      if (y === null || y === undefined) return;
      d += `${pen ? 'L' : 'M'}${(left + at(x, 'x')).toFixed(1)},${(top + at(y, 'y')).toFixed(1)}`;
      pen = true;
    });
    return d;
  };
  const parts: string[] = [];
  lines.forEach((line, index) => {
    const entry = map.lines[index];
    if (entry?.lower !== undefined && entry.upper !== undefined) {
      const upper = path(entry.upper);
      const lower = path(entry.lower)
        .split(/(?=[ML])/)
        .reverse()
        .map((step, position) => (position === 0 ? `L${step.slice(1)}` : `L${step.slice(1)}`))
        .join('');
      if (upper)
        parts.push(
          `<path d="${upper}${lower}Z" fill="${line.color}" fill-opacity="0.18" stroke="none"/>`,
        );
    }
    if (entry)
      parts.push(
        `<path d="${path(entry.main)}" fill="none" stroke="${line.color}" stroke-width="1.75"/>`,
      );
  });
  const xScale = plot.scales.x;
  const yScale = plot.scales.y;
  const axis: string[] = [
    `<rect x="${left}" y="${top}" width="${width}" height="${height}" fill="none" stroke="#999"/>`,
  ];
  for (const value of ticks(xScale.min ?? 0, xScale.max ?? 1, 5, labels.whole)) {
    const x = left + at(value, 'x');
    axis.push(
      `<line x1="${x}" x2="${x}" y1="${top + height}" y2="${top + height + 4}" stroke="#444"/>`,
    );
    axis.push(
      `<text x="${x}" y="${top + height + 16}" text-anchor="middle">${formatValue(value)}</text>`,
    );
  }
  const yTicks =
    Number(yScale.distr) === 3
      ? ticks(Math.log10(yScale.min ?? 1), Math.log10(yScale.max ?? 10)).map((power) => 10 ** power)
      : ticks(yScale.min ?? 0, yScale.max ?? 1);
  for (const value of yTicks) {
    const y = top + at(value, 'y');
    if (!Number.isFinite(y)) continue;
    axis.push(`<line x1="${left - 4}" x2="${left}" y1="${y}" y2="${y}" stroke="#444"/>`);
    axis.push(`<text x="${left - 6}" y="${y + 4}" text-anchor="end">${formatValue(value)}</text>`);
  }
  axis.push(
    `<text x="${left + width / 2}" y="${top + height + 34}" text-anchor="middle">${escape(labels.x)}</text>`,
  );
  axis.push(
    `<text transform="translate(14 ${top + height / 2}) rotate(-90)" text-anchor="middle">${escape(labels.y)}</text>`,
  );
  const legendTop = top + height + 48;
  const legend = lines.map((line, index) => {
    const y = legendTop + index * LEGEND_ROW;
    return `<rect x="${left}" y="${y - 8}" width="14" height="4" fill="${line.color}"/><text x="${left + 20}" y="${y}">${escape(line.label)}</text>`;
  });
  const totalHeight = legendTop + lines.length * LEGEND_ROW + 8;
  const totalWidth = plot.width;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${totalWidth}" height="${totalHeight}" viewBox="0 0 ${totalWidth} ${totalHeight}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<clipPath id="plot"><rect x="${left}" y="${top}" width="${width}" height="${height}"/></clipPath>`,
    `<g clip-path="url(#plot)">${parts.join('')}</g>`,
    ...axis,
    ...legend,
    '</svg>',
  ].join('\n');
}
