import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BINARY_FORMAT, MAX_RUNS_PER_REQUEST } from '../api-types.js';
import { AnswerGate } from './answer-gate.js';
import { encodeMetrics, encodeMetricsBatch } from './binary.js';
import { RunStore } from './run-store.js';
import { searchViews } from './searches.js';
import { toResponse } from './series-cache.js';
import { decodePath, realPathInside } from './safe-path.js';
import { hostAllower } from './allowed-hosts.js';
import { count, notFound, send, sendBinary, timing } from './respond.js';

/** Where the built page lives: `dist/web/` beside this module once built. */
export const WEB_ROOT = fileURLToPath(new URL('./web/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** How {@link createDashboardServer} serves. */
export interface DashboardServerOptions {
  /** The folder holding projects (`<projectDir>/<project>/<run>/`). */
  projectDir: string;
  /** The built page; default the one shipped in this package. */
  webRoot?: string;
  /**
   * The address or name the server listens on (default 127.0.0.1). Besides loopback names, the
   * only `Host` it answers; any other gets a 403, which keeps pages of other sites out.
   */
  host?: string;
}

/** A dashboard server, created but not yet listening. */
export interface DashboardServer {
  server: Server;
  store: RunStore;
}

/**
 * Answers of points made at once (one per core of a small machine), and requests that may wait
 * for a turn. Each answer is held whole until sent: this bounds the memory they take together.
 */
const ANSWERS_AT_ONCE = 2;
const ANSWERS_WAITING = 64;

/** How long the store keeps watching the project dir after the last page stopped listening. */
const WATCH_IDLE_MS = 5 * 60_000;

/**
 * The dashboard's HTTP server over a project dir: the page's static files, and run data as JSON
 * (`/api/runs`, `/api/runs/:project/:run/metrics`, `/api/searches`) and server-sent events (`/api/events`).
 * Read-only (GET and HEAD); anything else, and any path leading outside, gets a 404 or 405; a
 * request under a `Host` that is not loopback or {@link DashboardServerOptions.host} gets a 403.
 */
export async function createDashboardServer(
  options: DashboardServerOptions,
): Promise<DashboardServer> {
  const store = new RunStore(options.projectDir);
  await store.open();
  const webRoot = await realRoot(options.webRoot ?? WEB_ROOT);
  const streams = new Set<ServerResponse>();
  const allowed = hostAllower(options.host ?? '127.0.0.1');
  const gate = new AnswerGate(ANSWERS_AT_ONCE, ANSWERS_WAITING);

  const broadcast = (event: string, data: unknown) => {
    const text = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const stream of streams) stream.write(text);
  };
  store.on('runs', () => broadcast('runs', {}));
  store.on('metrics', (id) => broadcast('metrics', { id }));
  // Watching starts once the logs are read, not when the first page opens its event stream:
  // starting walks the whole project dir (Node's recursive watch on Linux), which for 200 runs
  // held the server up for about 80 ms in the middle of the page's first render. It stops once no
  // page has listened for WATCH_IDLE_MS, and a reload or a new tab finds it still watching.
  let idle: NodeJS.Timeout | undefined;
  const stopLater = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      if (streams.size === 0) store.stop();
    }, WATCH_IDLE_MS);
    idle.unref();
  };
  let closed = false;
  void store.indexed.then(() => {
    if (closed || streams.size > 0) return;
    store.start();
    stopLater();
  });

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      // A run folder deleted mid-read, or any other surprise: answer, never crash the server.
      if (!response.headersSent) send(response, 500, { error: String(error) });
      else response.end();
    });
  });
  server.on('close', () => {
    closed = true;
    clearTimeout(idle);
    store.close();
    for (const stream of streams) stream.end();
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // First of all: a page served under another name (DNS rebinding) must learn nothing.
    if (!allowed(request.headers.host))
      return send(response, 403, {
        error: `Host "${request.headers.host ?? ''}" is not a name of this dashboard; open it as http://localhost:PORT/, or start it with --host NAME to be reached as NAME`,
      });
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      return send(response, 405, { error: 'only GET and HEAD' });
    }
    const url = new URL(request.url ?? '/', 'http://localhost');
    // Refuse on the raw path: URL parsing already folds `/a/../b`, and we want none of it.
    const rawPath = (request.url ?? '/').split('?')[0];
    const segments = decodePath(rawPath);
    if (segments === undefined) return notFound(response);

    if (segments[0] === 'api') return api(segments.slice(1), url, request, response);
    if (segments.length === 0) return file(response, 'index.html', request.method === 'HEAD');
    if (segments.length === 1 && segments[0] === 'favicon.ico')
      return file(response, 'favicon.svg', request.method === 'HEAD', 'image/svg+xml');
    return file(response, segments.join('/'), request.method === 'HEAD');
  }

  async function api(
    segments: string[],
    url: URL,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    if (segments.length === 1 && segments[0] === 'runs')
      return send(response, 200, { projectDir: store.projectDir, runs: store.list() });
    if (segments.length === 1 && segments[0] === 'events') return events(request, response);
    if (segments.length === 1 && segments[0] === 'searches')
      return send(response, 200, { searches: await searchViews(store.projectDir) });
    // The metrics endpoints can leave the times out: a page drawing against steps needs none.
    const omit = url.searchParams.get('omit');
    if (segments.at(-1) === 'metrics' && omit !== null && omit !== 'time' && omit !== '')
      return send(response, 400, {
        error: `omit=${omit}: only the times can be left out (omit=time)`,
      });
    const omitTime = omit === 'time';
    if (segments.at(-1) !== 'metrics') return notFound(response);
    // A run named twice is answered once: a long URL must not multiply one run's points.
    const batch = new Map<string, number>();
    url.searchParams.getAll('run').forEach((id, index) => {
      if (!batch.has(id)) batch.set(id, index);
    });
    if (batch.size > MAX_RUNS_PER_REQUEST)
      return send(response, 400, {
        error: `asked for the points of ${batch.size} runs at once; at most ${MAX_RUNS_PER_REQUEST} a request: ask in several`,
      });
    // The turn ends when the answer is sent or the client leaves, whichever comes first.
    const turn: { gone: boolean; leave?: () => void } = { gone: false };
    response.once('close', () => {
      turn.gone = true;
      turn.leave?.();
    });
    turn.leave = await gate.enter();
    if (!turn.leave)
      return send(
        response,
        503,
        { error: 'busy answering other requests for points; ask again in a moment' },
        { 'Retry-After': '1' },
      );
    // Gone while waiting: nobody to answer, and the turn goes to the next.
    if (turn.gone) return turn.leave();
    const begin = performance.now();
    if (segments.length === 4 && segments[0] === 'runs' && segments[3] === 'metrics') {
      const names = url.searchParams.get('names');
      const result = await store.series(`${segments[1]}/${segments[2]}`, {
        names: names ? names.split(',').filter(Boolean) : undefined,
        since: count(url.searchParams.get('since')),
        generation: count(url.searchParams.get('generation')),
        omitTime,
      });
      if (!result) return notFound(response);
      if (url.searchParams.get('format') !== BINARY_FORMAT)
        return send(response, 200, toResponse(result));
      const read = performance.now();
      const body = encodeMetrics(result);
      return sendBinary(response, body, request.method === 'HEAD', timing(begin, read));
    }
    if (segments.length === 1 && segments[0] === 'metrics') {
      // Several runs at once: `run` repeated, each with its own `since` and `generation` (the
      // same number of each, empty for none), and the same `names` for all. Read side by side:
      // each run's log is opened and checked on its own.
      const names = url.searchParams.get('names');
      const since = url.searchParams.getAll('since');
      const generation = url.searchParams.getAll('generation');
      const results = await Promise.all(
        [...batch].map(([id, index]) =>
          store.series(id, {
            names: names ? names.split(',').filter(Boolean) : undefined,
            since: count(since[index] ?? null),
            generation: count(generation[index] ?? null),
            omitTime,
          }),
        ),
      );
      if (url.searchParams.get('format') !== BINARY_FORMAT)
        return send(response, 200, {
          runs: results.map((result) => (result ? toResponse(result) : null)),
        });
      const read = performance.now();
      const body = encodeMetricsBatch(results);
      return sendBinary(response, body, request.method === 'HEAD', timing(begin, read));
    }
    return notFound(response);
  }

  function events(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    if (request.method === 'HEAD') return void response.end();
    response.write(`retry: 2000\nevent: hello\ndata: ${JSON.stringify({ watching: true })}\n\n`);
    streams.add(response);
    clearTimeout(idle);
    store.start();
    const ping = setInterval(() => response.write(': ping\n\n'), 15_000);
    request.on('close', () => {
      clearInterval(ping);
      streams.delete(response);
      if (streams.size === 0) stopLater();
    });
  }

  async function file(
    response: ServerResponse,
    relative: string,
    head: boolean,
    type?: string,
  ): Promise<void> {
    const real = await realPathInside(webRoot, path.join(webRoot, relative));
    if (!real) return notFound(response);
    let body: Buffer;
    try {
      body = await readFile(real);
    } catch {
      return notFound(response);
    }
    response.writeHead(200, {
      'Content-Type': type ?? TYPES[path.extname(real)] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': relative.startsWith('assets/') ? 'max-age=31536000, immutable' : 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    response.end(head ? undefined : body);
  }

  return { server, store };
}

async function realRoot(dir: string): Promise<string> {
  const real = await realPathInside('/', dir);
  if (!real)
    throw new Error(`the dashboard page is not built at ${dir}; run "npm run build" first`);
  return real;
}
