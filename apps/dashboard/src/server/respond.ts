import type { ServerResponse } from 'node:http';

// How the server writes its answers: JSON, binary, errors.

export function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  response.end(text);
}
/**
 * A Server-Timing header (shown by browsers' network panels, read by the benchmark): ms from the
 * request to the points read, and from there to the answer encoded.
 */
export function timing(begin: number, read: number): string {
  const encoded = performance.now();
  return `read;dur=${(read - begin).toFixed(1)}, encode;dur=${(encoded - read).toFixed(1)}`;
}

export function sendBinary(
  response: ServerResponse,
  body: Buffer,
  head: boolean,
  timing: string,
): void {
  response.writeHead(200, {
    'Content-Type': 'application/octet-stream',
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
    'Server-Timing': timing,
  });
  response.end(head ? undefined : body);
}

/** A non-negative integer query value, or undefined. */
export function count(text: string | null): number | undefined {
  return text !== null && /^\d+$/.test(text) ? Number(text) : undefined;
}

export function notFound(response: ServerResponse): void {
  send(response, 404, { error: 'not found' });
}
