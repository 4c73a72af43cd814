// DNS rebinding: a page of another site, whose name was pointed at 127.0.0.1, must read nothing.
// Its requests reach the server like any other; only their Host header tells them apart.
import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type RunningDashboard } from '../dist/index.js';
import { CHROMIUM } from './browser.js';
import { sweepSpecs, writeRun } from './fixture-project.js';

let projectDir: string;

beforeAll(async () => {
  projectDir = await mkdtemp(path.join(os.tmpdir(), 'dashboard-rebinding-'));
  await writeRun(projectDir, sweepSpecs()[0]);
});

afterAll(async () => {
  await rm(projectDir, { recursive: true, force: true });
});

/** A GET to 127.0.0.1 with the `Host` header given (undefined: none at all, as HTTP/1.0 may). */
function getWithHost(
  port: number,
  rawPath: string,
  host: string | undefined,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const call = request(
      { host: '127.0.0.1', port, path: rawPath, setHost: false, headers: host ? { host } : {} },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        // The event stream never ends by itself; its status is enough.
        if (rawPath === '/api/events') {
          response.destroy();
          resolve({ status: response.statusCode ?? 0, body: '' });
        }
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    call.on('error', reject);
    call.end();
  });
}

describe('on 127.0.0.1 (the default)', () => {
  let dashboard: RunningDashboard;
  beforeAll(async () => {
    dashboard = await startDashboard({ projectDir, port: 0, log: () => {} });
  });
  afterAll(() => dashboard.close());

  it.each(['/', '/api/runs', '/api/events', '/api/metrics?run=lab1/bs64-s0', '/favicon.ico'])(
    'refuses %s under a foreign Host with a 403 that gives away nothing',
    async (rawPath) => {
      for (const host of [
        `evil.example:${dashboard.port}`,
        'evil.example',
        `localhost.evil.example:${dashboard.port}`,
        `127.0.0.1.evil.example:${dashboard.port}`,
        `evil@localhost:${dashboard.port}`,
        `[::2]:${dashboard.port}`,
      ]) {
        const answer = await getWithHost(dashboard.port, rawPath, host);
        expect(answer.status, host).toBe(403);
        expect(answer.body).not.toContain(projectDir);
        expect(answer.body).not.toContain('bs64');
      }
    },
  );

  it('refuses a request with no Host at all', async () => {
    // Node itself answers 400 to HTTP/1.1 without a Host; either way, no runs.
    const answer = await getWithHost(dashboard.port, '/api/runs', undefined);
    expect([400, 403]).toContain(answer.status);
    expect(answer.body).not.toContain('bs64');
  });

  it('answers loopback names, with or without the port', async () => {
    for (const host of [
      `localhost:${dashboard.port}`,
      'localhost',
      `LOCALHOST:${dashboard.port}`,
      `127.0.0.1:${dashboard.port}`,
      `127.4.5.6:${dashboard.port}`,
      `[::1]:${dashboard.port}`,
    ]) {
      const answer = await getWithHost(dashboard.port, '/api/runs', host);
      expect(answer.status, host).toBe(200);
      expect(answer.body).toContain('bs64-s0');
    }
  });
});

describe('with --host', () => {
  it('answers the address it was told to listen on, and any address when that is 0.0.0.0', async () => {
    const dashboard = await startDashboard({ projectDir, port: 0, host: '0.0.0.0', log: () => {} });
    try {
      for (const host of [`192.0.2.7:${dashboard.port}`, '[2001:db8::1]', 'localhost'])
        expect((await getWithHost(dashboard.port, '/api/runs', host)).status, host).toBe(200);
      // A name is still refused: a wildcard address names addresses, not every name on the web.
      expect((await getWithHost(dashboard.port, '/api/runs', 'evil.example')).status).toBe(403);
    } finally {
      await dashboard.close();
    }
  });
});

describe('in Chromium, with evil.example resolving to 127.0.0.1', () => {
  let browser: Browser;
  let dashboard: RunningDashboard;
  beforeAll(async () => {
    dashboard = await startDashboard({ projectDir, port: 0, log: () => {} });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        // What a rebinding attacker's DNS does, without a DNS server: the name leads here.
        '--host-resolver-rules=MAP evil.example 127.0.0.1',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
  });

  it('refuses the page and its API to http://evil.example:PORT/', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`http://evil.example:${dashboard.port}/`);
    expect(response?.status()).toBe(403);
    // The attacker's script runs same-origin with the rebound name: its reads are refused too.
    const read = await page.evaluate(async () => {
      const answer = await fetch('/api/runs');
      return { status: answer.status, body: await answer.text() };
    });
    expect(read.status).toBe(403);
    expect(read.body).not.toContain(projectDir);
    await page.close();
  });

  it('serves the page as http://localhost:PORT/', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`http://localhost:${dashboard.port}/`);
    expect(response?.status()).toBe(200);
    const runs = await page.evaluate(async () => (await fetch('/api/runs')).status);
    expect(runs).toBe(200);
    await page.close();
  });
});
