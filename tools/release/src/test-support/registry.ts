// A real npm registry for tests: Verdaccio on 127.0.0.1 with a temporary storage. The workspace's
// packages (@machop/* and machop) live only there; every other package is proxied from the
// registry npm is configured with, as a user's install would get it.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface Registry {
  /** The registry's address, ending in `/`. */
  url: string;
  /** An npm user config (`--userconfig`) that names the registry and a user allowed to publish. */
  npmrc: string;
  close(): Promise<void>;
}

/**
 * Start Verdaccio with its storage, users and config in `dir` (a temporary folder), proxying
 * everything but the workspace's packages to `uplink`.
 */
export async function startRegistry(dir: string, uplink: string): Promise<Registry> {
  const config = path.join(dir, 'config.yaml');
  await writeFile(
    config,
    [
      `storage: ${JSON.stringify(path.join(dir, 'storage'))}`,
      'auth:',
      '  htpasswd:',
      `    file: ${JSON.stringify(path.join(dir, 'htpasswd'))}`,
      'uplinks:',
      '  npmjs:',
      `    url: ${JSON.stringify(uplink)}`,
      '    timeout: 60s',
      'packages:',
      // Ours are never looked up elsewhere: a name taken on the public registry cannot leak in.
      "  '@machop/*': { access: $all, publish: $authenticated }",
      "  'machop': { access: $all, publish: $authenticated }",
      "  '**': { access: $all, proxy: npmjs }",
      'web: { enable: false }',
      'middlewares: { audit: { enabled: false } }',
      'log: { type: stdout, format: pretty, level: error }',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(import.meta.dirname, 'verdaccio-server.mjs'), config],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`Verdaccio exited with code ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^listening (http:\S+)$/.exec(line);
      if (match) resolve(match[1]);
    });
  });
  const close = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  try {
    // Verdaccio's htpasswd auth creates a user on its first login, answering with a token.
    const response = await fetch(`${url}-/user/org.couchdb.user:rehearsal`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'rehearsal', password: 'rehearsal-password' }),
    });
    const { token } = (await response.json()) as { token?: string };
    if (!token) throw new Error(`Verdaccio gave no token (${response.status})`);
    const npmrc = path.join(dir, 'npmrc');
    const host = url.replace(/^http:/, '');
    await writeFile(npmrc, `registry=${url}\n${host}:_authToken=${token}\nupdate-notifier=false\n`);
    return { url, npmrc, close };
  } catch (error) {
    await close();
    throw error;
  }
}
