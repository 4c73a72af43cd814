/**
 * A local stand-in for OpenML on 127.0.0.1, for tests: it serves a data set description in the
 * shape of OpenML's JSON API (`/api/v1/json/data/<id>`) whose `url` points back at itself, and
 * the ARFF file at that url. Settings can be changed between requests to play a broken server.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the server sends the ARFF file. */
export type ArffMode = 'complete' | 'cut-with-length' | 'cut-chunked' | 'not-found';

/**
 * A loopback OpenML for tests: `await new OpenmlServer(arff).start()`, point `MACHOP_OPENML_URL`
 * at {@link OpenmlServer.url}, and {@link OpenmlServer.stop} it when done.
 */
export class OpenmlServer {
  /** The ARFF bytes served. */
  arff: Uint8Array;
  /** How the next ARFF request is answered (default: the whole file). */
  mode: ArffMode = 'complete';
  /** md5 announced in the description (default: the real md5 of {@link arff}). */
  announcedMd5: string | undefined;
  /** Replaces the whole description response, e.g. to send invalid JSON. */
  descriptionBody: string | undefined;
  /** HTTP status of the description response. */
  descriptionStatus = 200;
  /** `default_target_attribute` announced in the description. */
  target = 'class';
  /** Requests seen, by path. */
  readonly requests: string[] = [];
  private readonly server: Server;
  private port = 0;

  constructor(arff: Uint8Array | string) {
    this.arff = typeof arff === 'string' ? new TextEncoder().encode(arff) : arff;
    this.server = createServer((request, response) => {
      const url = request.url ?? '/';
      this.requests.push(url);
      const description = /^\/api\/v1\/json\/data\/(\d+)$/.exec(url);
      if (description) {
        response.writeHead(this.descriptionStatus, { 'content-type': 'application/json' });
        response.end(this.descriptionBody ?? JSON.stringify(this.description(description[1])));
        return;
      }
      if (url.startsWith('/data/v1/download/')) {
        this.sendArff(response);
        return;
      }
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code: '111', message: 'Unknown dataset' } }));
    });
  }

  /** Base URL to use as `MACHOP_OPENML_URL`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listen on a free port of 127.0.0.1. */
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Drop open connections and close the server. */
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private description(id: string): unknown {
    const md5 = this.announcedMd5 ?? createHash('md5').update(this.arff).digest('hex');
    return {
      data_set_description: {
        id,
        name: 'hls4ml_lhc_jets_hlf',
        version: '1',
        description: 'Synthetic stand-in served by a test server.',
        format: 'ARFF',
        upload_date: '2020-04-18T16:31:26',
        licence: 'CC0',
        url: `${this.url}/data/v1/download/22044765/hls4ml_lhc_jets_hlf.arff`,
        file_id: '22044765',
        default_target_attribute: this.target,
        visibility: 'public',
        status: 'active',
        processing_date: '2020-04-18 16:34:24',
        md5_checksum: md5,
      },
    };
  }

  private sendArff(response: ServerResponse): void {
    const half = this.arff.subarray(0, Math.floor(this.arff.length / 2));
    switch (this.mode) {
      case 'complete':
        response.writeHead(200, {
          'content-type': 'text/plain',
          'content-length': String(this.arff.length),
        });
        response.end(this.arff);
        return;
      case 'cut-with-length':
        response.writeHead(200, {
          'content-type': 'text/plain',
          'content-length': String(this.arff.length),
        });
        response.write(half, () => response.destroy());
        return;
      case 'cut-chunked':
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.write(half, () => response.destroy());
        return;
      case 'not-found':
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('not found');
        return;
    }
  }
}
