/** A real redis-server for the queue tests: 127.0.0.1, a free port, a temporary folder, stopped after. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RedisServer {
  url: string;
  port: number;
  /**
   * Stop Redis (SIGTERM: it writes its append-only file), leave it down for `downMilliseconds`,
   * and start it again on the same port.
   */
  restart(downMilliseconds?: number): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function launch(port: number, dir: string, password: string | undefined): Promise<ChildProcess> {
  // Append-only persistence, as a production queue needs: a restart keeps every job.
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
      ...(password === undefined ? [] : ['--requirepass', password]),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start:\n${output}`)),
      20_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}):\n${output}`));
    });
  });
}

async function end(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Start one; with `password`, it requires it (`--requirepass`) and `url` holds it. */
export async function startRedisServer(options: { password?: string } = {}): Promise<RedisServer> {
  const { password } = options;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'machop-redis-'));
  const port = await freePort();
  let child = await launch(port, dir, password);
  const auth = password === undefined ? '' : `:${encodeURIComponent(password)}@`;
  return {
    url: `redis://${auth}127.0.0.1:${port}/0`,
    port,
    async restart(downMilliseconds = 0) {
      await end(child);
      await new Promise((resolve) => setTimeout(resolve, downMilliseconds));
      child = await launch(port, dir, password);
    },
    async stop() {
      await end(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
