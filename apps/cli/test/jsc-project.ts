import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startOpenmlServer, syntheticJscArff } from './openml-server.js';

/** A temporary working folder and the environment that makes `ch` fetch JSC from a loopback server. */
export interface JscProject {
  dir: string;
  server: Awaited<ReturnType<typeof startOpenmlServer>>;
  /** MACHOP_OPENML_URL, a cache inside `dir`, and the wasm backend. */
  env: NodeJS.ProcessEnv;
  /** Stop the server and remove `dir`. */
  close(): Promise<void>;
}

/** Start a loopback OpenML server with `rows` JSC-shaped rows and a temporary folder for `ch`. */
export async function startJscProject(prefix: string, rows: number): Promise<JscProject> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const server = await startOpenmlServer(syntheticJscArff(rows));
  return {
    dir,
    server,
    env: {
      MACHOP_OPENML_URL: server.url,
      MACHOP_CACHE_DIR: path.join(dir, 'cache'),
      MACHOP_BACKEND: 'wasm',
    },
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A run's metrics.jsonl records without their wall times: what two runs of one seed share. */
export async function metricsWithoutTime(runDir: string): Promise<unknown[]> {
  const text = await readFile(path.join(runDir, 'metrics.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const { time: _time, ...rest } = JSON.parse(line) as Record<string, unknown>;
      return rest;
    });
}

/** How often `text` occurs in `file` (0 while the file does not exist yet). */
export const count = async (file: string, text: string): Promise<number> =>
  existsSync(file) ? (await readFile(file, 'utf8')).split(text).length - 1 : 0;
