// A JSC-shaped ARFF file of the real data set's size, put where `ch` looks for OpenML data set
// 42468 (`<cache>/openml/42468/` with its description.json), so that `ch train jsc-tiny jsc` reads
// it from the cache as it would the downloaded file. The real file cannot be fetched here.
// Values are SYNTHETIC: per-class Gaussians in the schema and number format of the real file
// (16 features written as float32 decimals, j_multiplicity whole, classes g q t w z), not jets.
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { syntheticJscHeader, syntheticJscLines } from '@machop/datasets/testing';

export const JSC_ROWS = 830_000;
const FILE = 'hls4ml_lhc_jets_hlf.arff';
const DUPLICATE_SHARE = 0.11;

/** A small seeded generator (mulberry32) that picks the repeated rows: the same on every machine. */
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function writeArff(file, rows, seed) {
  const random = seeded(seed);
  const out = createWriteStream(file);
  const hash = createHash('md5');
  const write = async (text) => {
    hash.update(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(
    [
      `% SYNTHETIC DATA in the schema of OpenML data set 42468 (hls4ml_lhc_jets_hlf): not real jets.`,
      ...syntheticJscHeader(),
      '',
    ].join('\n'),
  );
  let chunk = '';
  // The real file repeats rows (the loader drops exact duplicates): about 11% of lines here
  // repeat one of the last 4096 lines, so the training split is JSC's ~530k rows.
  const recent = [];
  const lines = syntheticJscLines(rows, seed);
  for (let row = 0; row < rows; row++) {
    if (recent.length === 4096 && random() < DUPLICATE_SHARE) {
      chunk += recent[Math.floor(random() * recent.length)];
      continue;
    }
    const text = `${lines.next().value}\n`;
    chunk += text;
    recent[recent.length === 4096 ? Math.floor(random() * 4096) : recent.length] = text;
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

/**
 * Make sure `<cacheDir>/openml/42468/` holds a synthetic JSC file of `rows` rows and the
 * description `ch` reads; written once, reused while its record matches.
 */
export async function ensureJscCache(cacheDir, rows = JSC_ROWS, seed = 1) {
  const folder = path.join(cacheDir, 'openml', '42468');
  const record = path.join(folder, 'description.json');
  const marker = path.join(folder, 'synthetic.json');
  // version 3: rows from @machop/datasets/testing, the generator every test uses.
  const wanted = { rows, seed, version: 3 };
  if (existsSync(record) && existsSync(marker) && existsSync(path.join(folder, FILE))) {
    const made = JSON.parse(readFileSync(marker, 'utf8'));
    if (made.rows === rows && made.seed === seed && made.version === wanted.version)
      return path.join(folder, FILE);
  }
  mkdirSync(folder, { recursive: true });
  const md5 = await writeArff(path.join(folder, FILE), rows, seed);
  writeFileSync(
    record,
    JSON.stringify({
      id: '42468',
      name: 'hls4ml_lhc_jets_hlf',
      url: `https://www.openml.org/data/download/22044766/${FILE}`,
      md5,
      target: 'class',
    }),
  );
  writeFileSync(marker, JSON.stringify(wanted));
  return path.join(folder, FILE);
}
