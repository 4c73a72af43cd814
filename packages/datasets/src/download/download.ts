import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { DatasetError, type Reporter } from '@machop/core/base';

/** What {@link downloadVerified} fetches and where it puts it. */
export interface DownloadRequest {
  url: string;
  /** Final path; it appears only once the whole file arrived and its md5 matched. */
  file: string;
  /** Expected md5 of the file, hex. */
  md5: string;
  reporter: Reporter;
  signal?: AbortSignal;
}

function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/**
 * `promise`, or a rejection as soon as `signal` aborts. A body read that is pending when the
 * signal fires does not always settle by itself, so the abort must win the race.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      // The losing promise may still reject later; that must not surface as unhandled.
      promise.catch(() => {});
      reject(signal.reason as Error);
      return;
    }
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Delete temporary files that earlier downloads of `file` left behind when their process was
 * killed outright (a process that is still running may be downloading: its file is kept).
 */
export async function removeStaleDownloads(file: string): Promise<void> {
  const prefix = `.${path.basename(file)}.download-`;
  const names = await readdir(path.dirname(file)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && !isRunning(pid))
      await rm(path.join(path.dirname(file), name), { force: true });
  }
}

/**
 * Download `url` to `file`, streaming to a temporary file beside it and hashing as it goes. The
 * temporary file is renamed to `file` only after the byte count (when the server sent a
 * Content-Length) and the md5 match; on any failure (network, cut-off transfer, wrong checksum,
 * abort) it is deleted, so no file that looks complete is ever left behind. Returns the md5.
 */
export async function downloadVerified(request: DownloadRequest): Promise<string> {
  const { url, file, reporter, signal } = request;
  const name = path.basename(file);
  const task = `download ${name}`;
  await mkdir(path.dirname(file), { recursive: true });
  await removeStaleDownloads(file);
  const temp = path.join(
    path.dirname(file),
    `.${name}.download-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  let received = 0;
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal });
    } catch (error) {
      if (signal?.aborted)
        throw new DatasetError(`download of ${url} was aborted; nothing was kept`, {
          code: 'E_DOWNLOAD',
          cause: error,
        });
      throw new DatasetError(
        `cannot download ${url} (${reason(error)}); check the network, or download the file yourself and pass --data-dir`,
        { code: 'E_DOWNLOAD', cause: error },
      );
    }
    if (!response.ok || !response.body) {
      throw new DatasetError(
        `download of ${url} failed: the server answered ${response.status} ${response.statusText}; try again later, or download the file yourself and pass --data-dir`,
        { code: 'E_DOWNLOAD' },
      );
    }
    const encoding = response.headers.get('content-encoding');
    const declared = response.headers.get('content-length');
    // With a content encoding, Content-Length counts compressed bytes: only the md5 can check.
    const total =
      declared !== null && (encoding === null || encoding === 'identity')
        ? Number(declared)
        : undefined;
    const hash = createHash('md5');
    const handle = await open(temp, 'w');
    try {
      reporter.progress?.(task, 0, total);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      for (;;) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await abortable(reader.read(), signal);
        } catch (error) {
          reader.cancel().catch(() => {});
          const what = signal?.aborted
            ? 'was aborted'
            : `was cut off after ${received} bytes${total === undefined ? '' : ` of ${total}`} (${reason(error)})`;
          throw new DatasetError(
            `download of ${url} ${what}; the partial file was deleted, run the command again`,
            { code: 'E_DOWNLOAD', cause: error },
          );
        }
        if (chunk.done) break;
        await handle.write(chunk.value);
        hash.update(chunk.value);
        received += chunk.value.length;
        reporter.progress?.(task, received, total);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (total !== undefined && received !== total) {
      throw new DatasetError(
        `download of ${url} was cut off: got ${received} of ${total} bytes; the partial file was deleted, run the command again`,
        { code: 'E_DOWNLOAD' },
      );
    }
    const md5 = hash.digest('hex');
    if (md5 !== request.md5.toLowerCase()) {
      throw new DatasetError(
        `the file downloaded from ${url} has md5 ${md5}, expected ${request.md5.toLowerCase()}; the bad download was deleted, run the command again (if it repeats, the server is serving a different file)`,
        { code: 'E_CHECKSUM' },
      );
    }
    await rename(temp, file);
    return md5;
  } finally {
    await rm(temp, { force: true });
  }
}
