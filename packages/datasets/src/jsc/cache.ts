import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeJsonAtomic, type DatasetContext } from '@machop/core/base';
import { downloadVerified } from '../download/download.js';
import { fetchOpenmlDescription, openmlBaseUrl, type OpenmlDescription } from './openml.js';

/** A data file ready to parse, with where it came from. */
export interface FetchedFile {
  file: string;
  /** The file's bytes when they were read whole; absent when only verified (parse the file). */
  bytes?: Uint8Array;
  md5: string;
  /** The class column, when the source names it. */
  target?: string;
}

const DESCRIPTION_FILE = 'description.json';
const VERIFIED_FILE = 'verified.json';

/** A file whose md5 was checked, as it was then: while it keeps its size and mtime, it is trusted. */
interface VerifiedStamp {
  name: string;
  size: number;
  mtimeMs: number;
  md5: string;
}

async function stampOf(file: string, md5: string): Promise<VerifiedStamp> {
  const info = await stat(file);
  return { name: path.basename(file), size: info.size, mtimeMs: info.mtimeMs, md5 };
}

/** True when `file` is unchanged since its md5 was verified as `md5`. */
async function stillVerified(record: string, file: string, md5: string): Promise<boolean> {
  try {
    const stamp = JSON.parse(await readFile(record, 'utf8')) as Partial<VerifiedStamp>;
    const now = await stampOf(file, md5);
    return (
      stamp.name === now.name &&
      stamp.size === now.size &&
      stamp.mtimeMs === now.mtimeMs &&
      stamp.md5 === md5
    );
  } catch {
    return false;
  }
}

/** md5 of a file, read in chunks (JSC's ARFF is 250 MB: never whole in memory for this). */
export async function md5OfFile(file: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** md5 of some bytes, hex. */
export function md5Of(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

async function readDescription(file: string): Promise<OpenmlDescription | undefined> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as Partial<OpenmlDescription>;
    if (
      typeof value.url === 'string' &&
      typeof value.md5 === 'string' &&
      typeof value.target === 'string' &&
      typeof value.name === 'string' &&
      typeof value.id === 'string'
    ) {
      return value as OpenmlDescription;
    }
  } catch {
    // A missing or damaged record only means asking OpenML again.
  }
  return undefined;
}

function fileName(url: string, fallback: string): string {
  const last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  return /^[\w.-]+$/.test(last) && !last.startsWith('.') ? last : fallback;
}

/**
 * The OpenML data set `id` from the cache (`<cacheDir>/openml/<id>/`), downloading it first when
 * it is missing or fails its checksum. The description is stored beside the file after the
 * file is verified, so a later run needs no network.
 */
export async function cachedOpenmlFile(
  id: number,
  context: Pick<DatasetContext, 'cacheDir' | 'reporter' | 'signal'>,
): Promise<FetchedFile> {
  const folder = path.join(context.cacheDir, 'openml', String(id));
  const record = path.join(folder, DESCRIPTION_FILE);
  const known = await readDescription(record);
  const verified = path.join(folder, VERIFIED_FILE);
  if (known) {
    const file = path.join(folder, fileName(known.url, `${known.name}.arff`));
    if (existsSync(file)) {
      // Hashing 250 MB on every run costs about a second: a file unchanged since it was verified
      // (same size and mtime) is trusted; any change to it is checked again.
      if (await stillVerified(verified, file, known.md5)) {
        context.reporter.info(`using cached ${file}`);
        return { file, md5: known.md5, target: known.target };
      }
      const md5 = await md5OfFile(file);
      if (md5 === known.md5) {
        await writeJsonAtomic(verified, await stampOf(file, md5));
        context.reporter.info(`using cached ${file}`);
        return { file, md5, target: known.target };
      }
      context.reporter.info(
        `cached ${file} does not match its md5 (${md5}, expected ${known.md5}); deleting it and downloading again`,
      );
      await rm(file, { force: true });
    }
  }
  const base = openmlBaseUrl();
  context.reporter.info(`fetching the description of OpenML data set ${id} from ${base}`);
  const description = await fetchOpenmlDescription(base, id, context.signal);
  const file = path.join(folder, fileName(description.url, `${description.name}.arff`));
  // A file verified by an earlier run that stopped before writing the description is reused.
  if (!existsSync(file) || (await md5OfFile(file)) !== description.md5) {
    context.reporter.info(`downloading ${description.url}`);
    await downloadVerified({
      url: description.url,
      file,
      md5: description.md5,
      reporter: context.reporter,
      signal: context.signal,
    });
  }
  await writeJsonAtomic(verified, await stampOf(file, description.md5));
  await writeJsonAtomic(record, description);
  context.reporter.info(`cached ${file} (md5 ${description.md5} verified)`);
  return { file, md5: description.md5, target: description.target };
}
