import { realpath } from 'node:fs/promises';
import path from 'node:path';

/**
 * One segment of a request path, decoded exactly once, or undefined when it could name something
 * other than a plain file or folder name: `.`, `..`, a separator, a NUL, or anything still
 * percent-encoded after one decoding (`%252e%252e` is `%2e%2e` after one pass: a double-encoded
 * `..` that a second decoder further down the line would turn into a parent folder).
 */
export function decodeSegment(raw: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (decoded === '' || decoded === '.' || decoded === '..') return undefined;
  if (/[/\\\0%]/.test(decoded)) return undefined;
  return decoded;
}

/**
 * The decoded segments of a URL path (`/a/b%20c` -> `['a', 'b c']`), or undefined when any
 * segment is unsafe (see {@link decodeSegment}) or the path is not absolute-from-root. An empty
 * path (`/`) gives `[]`. A doubled slash (`//etc/passwd`) is refused rather than collapsed.
 */
export function decodePath(pathname: string): string[] | undefined {
  if (!pathname.startsWith('/')) return undefined;
  if (pathname === '/') return [];
  const raw = pathname.slice(1).split('/');
  const segments: string[] = [];
  for (const part of raw) {
    const segment = decodeSegment(part);
    if (segment === undefined) return undefined;
    segments.push(segment);
  }
  return segments;
}

/**
 * The real path of `file` when it exists and, symlinks followed, lies inside `root` (itself a real
 * path); undefined otherwise. This is what keeps a symlink in a run folder or in the web root from
 * handing out a file from elsewhere.
 */
export async function realPathInside(root: string, file: string): Promise<string | undefined> {
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    return undefined;
  }
  return real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep)
    ? real
    : undefined;
}
