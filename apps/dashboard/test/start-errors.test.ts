// What `machop-dashboard` and `ch dashboard` do when they cannot start: one line, a non-zero exit,
// and the process gone. They are one implementation, so each case runs through both binaries.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepSpecs, writeRun } from './fixture-project.js';
import { DASHBOARD_COMMANDS, runToExit, startDashboard } from './start-dashboard.js';

let root: string;
let projectDir: string;
let taken: Server;
let takenPort: number;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'dashboard-start-errors-'));
  projectDir = path.join(root, 'machop_output');
  await writeRun(projectDir, sweepSpecs()[0]);
  // A port another program holds.
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  takenPort = (taken.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((resolve) => taken.close(resolve));
  await rm(root, { recursive: true, force: true });
});

describe.each(DASHBOARD_COMMANDS)('$name refuses to start, in one line, and exits', ({ args }) => {
  const refused = async (flags: string[], expected: RegExp) => {
    const result = await runToExit([...args, ...flags], { cwd: root });
    expect(result.hung, 'still running after the error').toBe(false);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: [^\n]+\n$/);
    expect(result.stderr).toMatch(expected);
    expect(result.stderr).not.toContain('bug');
  };

  it('on a port in use', async () => {
    await refused(
      ['--project-dir', projectDir, '--port', String(takenPort)],
      new RegExp(`port ${takenPort} on 127.0.0.1 is in use.*--port`),
    );
  });

  it('on an address that is not this machine', async () => {
    // 192.0.2.0/24 is reserved for documentation: no machine has it.
    await refused(
      ['--project-dir', projectDir, '--port', '0', '--host', '192.0.2.1'],
      /--host 192\.0\.2\.1 is not an address of this machine/,
    );
  });

  it('on a host name that does not resolve', async () => {
    await refused(
      ['--project-dir', projectDir, '--port', '0', '--host', 'no-such-host.invalid'],
      /--host no-such-host\.invalid is not a name this machine can resolve/,
    );
  });

  it('on a --project-dir that does not exist, without making it', async () => {
    const missing = path.join(root, 'no-such-dir');
    await refused(
      ['--project-dir', missing, '--port', '0'],
      /the project dir .*no-such-dir does not exist; pass the folder your runs are in with --project-dir/,
    );
    expect(existsSync(missing)).toBe(false);
  });

  it('on a --project-dir that is a file', async () => {
    await refused(
      ['--project-dir', '/etc/passwd', '--port', '0'],
      /the project dir \/etc\/passwd is not a folder/,
    );
  });

  it('on an argument it does not take', async () => {
    await refused([projectDir, '--port', '0'], /takes no arguments.*--project-dir/);
  });
});

describe.each(DASHBOARD_COMMANDS)('$name on a first start, before any run', ({ name, args }) => {
  it('makes machop_output, says how runs get there, and serves it', async () => {
    const fresh = await mkdtemp(path.join(os.tmpdir(), 'dashboard-first-start-'));
    try {
      const { child, url, stderr, exited } = await startDashboard([...args, '--port', '0'], {
        cwd: fresh,
      });
      const listed = (await (await fetch(`${url}api/runs`)).json()) as { runs: unknown[] };
      expect(listed.runs).toEqual([]);
      expect(existsSync(path.join(fresh, 'machop_output'))).toBe(true);
      expect(stderr()).toMatch(/^note: made \S+machop_output, where runs will go.*ch train/);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });

  it('prints its help under its own name', async () => {
    const result = await runToExit([...args, '--help'], { cwd: root });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`usage: ${name} [--project-dir DIR]`);
    expect(result.stdout).toContain('--host HOST');
  });
});
