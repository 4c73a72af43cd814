import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { OpenmlServer, syntheticJscArff } from '@machop/datasets/testing';
import { afterAll, beforeAll } from 'vitest';
import { startRedisServer, type RedisServer } from './redis-server.js';

/** A temporary working folder and the environment that makes `ch` fetch JSC from a loopback server. */
export interface JscProject {
  dir: string;
  server: OpenmlServer;
  /** MACHOP_OPENML_URL, a cache inside `dir`, and the wasm backend. */
  env: NodeJS.ProcessEnv;
  /** Stop the server and remove `dir`. */
  close(): Promise<void>;
}

/** Start a loopback OpenML server with `rows` JSC-shaped rows and a temporary folder for `ch`. */
export async function startJscProject(prefix: string, rows: number): Promise<JscProject> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const server = await new OpenmlServer(syntheticJscArff({ rows, seed: 1 })).start();
  return {
    dir,
    server,
    env: {
      MACHOP_OPENML_URL: server.url,
      MACHOP_CACHE_DIR: path.join(dir, 'cache'),
      MACHOP_BACKEND: 'wasm',
    },
    async close() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** What {@link useJscProject} hands a test file once its project (and Redis) have started. */
export interface JscProjectSetup {
  dir: string;
  env: NodeJS.ProcessEnv;
  project: JscProject;
  /** A redis-server of the file's own, when asked for. */
  redis: RedisServer;
}

/**
 * Start a JSC project (see {@link startJscProject}), and a redis-server when `redis` is given,
 * before the tests of the calling file, and stop both after them. `ready` receives them, for
 * the file's own variables.
 */
export function useJscProject(
  prefix: string,
  rows: number,
  ready: (setup: JscProjectSetup) => void,
  options: { redis?: { password?: string } } = {},
): void {
  let project: JscProject | undefined;
  let redis: RedisServer | undefined;
  beforeAll(async () => {
    project = await startJscProject(prefix, rows);
    if (options.redis) redis = await startRedisServer(options.redis);
    ready({ dir: project.dir, env: project.env, project, redis: redis! });
  }, 60_000);
  afterAll(async () => {
    await redis?.stop();
    await project?.close();
  });
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
