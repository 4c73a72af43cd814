import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeJsonAtomic, type DatasetContext } from '@machop/core';
import { downloadVerified } from '../download/download.js';
import { fetchOpenmlDescription, openmlBaseUrl, type OpenmlDescription } from './openml.js';

/** A data file ready to parse, with where it came from. */
export interface FetchedFile {
  file: string;
  bytes: Uint8Array;
  md5: string;
  /** The class column, when the source names it. */
  target?: string;
}

const DESCRIPTION_FILE = 'description.json';

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
  if (known) {
    const file = path.join(folder, fileName(known.url, `${known.name}.arff`));
    if (existsSync(file)) {
      const bytes = await readFile(file);
      const md5 = md5Of(bytes);
      if (md5 === known.md5) {
        context.reporter.info(`using cached ${file}`);
        return { file, bytes, md5, target: known.target };
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
  let bytes: Uint8Array | undefined = existsSync(file) ? await readFile(file) : undefined;
  if (!bytes || md5Of(bytes) !== description.md5) {
    context.reporter.info(`downloading ${description.url}`);
    await downloadVerified({
      url: description.url,
      file,
      md5: description.md5,
      reporter: context.reporter,
      signal: context.signal,
    });
    bytes = await readFile(file);
  }
  await writeJsonAtomic(record, description);
  context.reporter.info(`cached ${file} (md5 ${description.md5} verified)`);
  return { file, bytes, md5: description.md5, target: description.target };
}
