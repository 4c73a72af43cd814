import path from 'node:path';
import { ConfigError, IoError, writeFileAtomic } from '@machop/core/base';
import {
  bitMetricOf,
  frontPoints,
  listSearches,
  readSearch,
  searchSettings,
  type SearchInfo,
} from '@machop/runs';
import type { Io } from '../io.js';

/** What `ch plot --search` was asked for. */
export interface SearchPlotRequest {
  ids: string[];
  projectDir: string;
  project?: string;
  out: string;
  size: { width: number; height: number };
  json: boolean;
}

/**
 * The searches to compare for sample efficiency: those named when several are, else every
 * search of the named one's project that searched the same thing (its strategy and seed aside).
 */
async function compared(named: SearchInfo[], projectDir: string): Promise<SearchInfo[]> {
  if (named.length > 1) return named;
  const [search] = named;
  const key = searchSettings(search.study).spaceKey;
  const same = (await listSearches(projectDir, search.project)).filter(
    (other) => other.id !== search.id && searchSettings(other.study).spaceKey === key,
  );
  return [search, ...same];
}

/**
 * `ch plot --search ID`: the first search's Pareto front and the sample efficiency of the
 * searches compared, one SVG or PNG. A search still running is drawn as far as it has saved.
 */
export async function plotSearch(io: Io, request: SearchPlotRequest): Promise<number> {
  const named: SearchInfo[] = [];
  for (const id of request.ids)
    named.push(await readSearch(request.projectDir, id, request.project));
  const searches = await compared(named, request.projectDir);
  const { efficiencyPlot, renderSvg, searchSpec, svgToPng } = await import('@machop/plot');
  const [first] = named;
  const bitMetric = bitMetricOf(first.study);
  const points = bitMetric ? frontPoints(first.study, bitMetric) : [];
  const notes: string[] = [];
  for (const search of searches) {
    const { trials } = search.study;
    const failed = trials.filter((trial) => trial.state !== 'complete').length;
    if (!search.ended)
      notes.push(
        `search ${search.id} has not ended (still running or stopped): drawn its ${trials.length} trials saved so far`,
      );
    if (failed > 0) notes.push(`search ${search.id}: ${failed} failed trials are not drawn`);
  }
  if (!first.study.trials.some((trial) => trial.state === 'complete'))
    notes.push(`search ${first.id} has no complete trial yet: its front is empty`);
  else if (!bitMetric)
    notes.push(
      `search ${first.id} recorded no bit metric (average_bitwidth, model_size_bits or bitops): no front drawn`,
    );
  const efficiency = efficiencyPlot(searches.map((search) => search.study));
  const subtitle = first.ended ? undefined : `not ended: ${trials(first)} trials so far`;
  const spec = searchSpec(
    points,
    efficiency,
    { search: first.id, bitMetric: bitMetric ?? 'average_bitwidth', note: subtitle },
    request.size,
  );
  const svg = await renderSvg(spec);
  const data = path.extname(request.out).toLowerCase() === '.png' ? svgToPng(svg) : svg;
  try {
    await writeFileAtomic(request.out, data);
  } catch (error) {
    throw IoError.from(error, 'write', request.out);
  }
  if (request.json)
    io.stdout.write(
      JSON.stringify({
        event: 'plot',
        out: request.out,
        searches: searches.map((search) => search.id),
        trials: points.length,
        front: points.filter((point) => point.front).map((point) => point.number),
        notes,
      }) + '\n',
    );
  else {
    for (const note of notes) io.stderr.write(`note: ${note}\n`);
    io.stdout.write(`${request.out}\n`);
  }
  return 0;
}

const trials = (search: SearchInfo) => search.study.trials.length;

/** Refuses the flags of run plots beside `--search`, whose figure has none of them. */
export function checkSearchFlags(flags: Map<string, unknown>): void {
  for (const name of [
    'sweep',
    'metric',
    'x',
    'smooth',
    'group-by',
    'band',
    'summary',
    'title',
    'x-label',
    'y-label',
  ])
    if (flags.has(name))
      throw new ConfigError(
        `--${name} shapes plots of runs, but --search draws a search's front and best so far: drop --${name}`,
      );
}
