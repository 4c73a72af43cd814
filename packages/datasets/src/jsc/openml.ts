import { DatasetError } from '@machop/core/base';
import { abortable } from '../download/download.js';

/** The fields of an OpenML data set description that the loader uses. */
export interface OpenmlDescription {
  id: string;
  name: string;
  /** Where the ARFF file is. */
  url: string;
  /** md5 of the ARFF file, lower-case hex. */
  md5: string;
  /** The class column, as OpenML names it. */
  target: string;
}

/** The OpenML server to ask: `$MACHOP_OPENML_URL`, else https://www.openml.org. */
export function openmlBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.MACHOP_OPENML_URL ?? 'https://www.openml.org').replace(/\/+$/, '');
}

function field(description: Record<string, unknown>, key: string, source: string): string {
  const value = description[key];
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number') return String(value);
  throw new DatasetError(
    `the OpenML description at ${source} has no "${key}"; the server may have changed its API, download the ARFF yourself and pass --data-dir`,
    { code: 'E_DOWNLOAD' },
  );
}

/**
 * Fetch the description of OpenML data set `id` from its JSON API
 * (`<base>/api/v1/json/data/<id>`), which names the ARFF file's URL, its md5 and the default
 * target attribute.
 */
export async function fetchOpenmlDescription(
  base: string,
  id: number,
  signal?: AbortSignal,
): Promise<OpenmlDescription> {
  const source = `${base}/api/v1/json/data/${id}`;
  let response: Response;
  try {
    response = await fetch(source, { signal, headers: { accept: 'application/json' } });
  } catch (error) {
    const why = signal?.aborted
      ? 'the request was aborted'
      : error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error);
    throw new DatasetError(
      `cannot reach OpenML at ${source} (${why}); connect to the internet, set MACHOP_OPENML_URL to an OpenML mirror, or download https://www.openml.org/d/${id} yourself and pass --data-dir`,
      { code: 'E_DOWNLOAD', cause: error },
    );
  }
  const text = await abortable(response.text(), signal).catch((error: unknown) => {
    throw new DatasetError(
      `reading the OpenML description from ${source} failed (${signal?.aborted ? 'aborted' : String(error)}); try again`,
      { code: 'E_DOWNLOAD', cause: error },
    );
  });
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const error = (body as { error?: { message?: unknown } } | undefined)?.error;
  if (!response.ok) {
    const message = typeof error?.message === 'string' ? ` (${error.message})` : '';
    throw new DatasetError(
      `OpenML answered ${response.status} ${response.statusText}${message} for ${source}; try again later, or pass --data-dir with the ARFF file`,
      { code: 'E_DOWNLOAD' },
    );
  }
  const description = (body as { data_set_description?: unknown } | undefined)
    ?.data_set_description;
  if (typeof description !== 'object' || description === null) {
    throw new DatasetError(
      `${source} did not return an OpenML data set description (JSON with "data_set_description"); check MACHOP_OPENML_URL`,
      { code: 'E_DOWNLOAD' },
    );
  }
  const record = description as Record<string, unknown>;
  const format = typeof record.format === 'string' ? record.format : 'ARFF';
  if (format.toLowerCase() !== 'arff') {
    throw new DatasetError(
      `OpenML data set ${id} is in format "${format}", but only ARFF is supported; download it yourself as ARFF or CSV and pass --data-dir`,
      { code: 'E_DOWNLOAD' },
    );
  }
  const md5 = field(record, 'md5_checksum', source).toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(md5)) {
    throw new DatasetError(
      `the OpenML description at ${source} has an invalid md5_checksum "${md5}"; try again later, or pass --data-dir`,
      { code: 'E_DOWNLOAD' },
    );
  }
  const url = new URL(field(record, 'url', source), source).href;
  return {
    id: field(record, 'id', source),
    name: field(record, 'name', source),
    url,
    md5,
    target: field(record, 'default_target_attribute', source),
  };
}
