import { request } from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile, appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireRunLock, listRuns, readMetrics, runPaths, type RunLock } from '@machop/runs';
import { RunStore, startDashboard, type RunningDashboard, type RunView } from '../dist/index.js';
import type { MetricsResponse } from '../src/api-types.js';
import { decodeMetrics, decodeMetricsBatch } from '../src/binary-metrics.js';
import {
  appendEpochs,
  lines,
  records,
  sweepSpecs,
  writeRun,
  type RunSpec,
} from './fixture-project.js';

let root: string;
let projectDir: string;
let dashboard: RunningDashboard;
let lock: RunLock;
const live: RunSpec = { project: 'solo', id: 'live', status: null, epochs: 2 };

/** A raw request, so paths reach the server exactly as written (fetch would normalise them). */
function get(
  rawPath: string,
  method = 'GET',
): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const call = request(
      { host: '127.0.0.1', port: dashboard.port, path: rawPath, method },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body,
            type: String(response.headers['content-type']),
          }),
        );
      },
    );
    call.on('error', reject);
    call.end();
  });
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'dashboard-server-'));
  projectDir = path.join(root, 'machop_output');
  for (const spec of sweepSpecs()) await writeRun(projectDir, spec);
  await writeRun(projectDir, { project: 'solo', id: 'crashed', status: null });
  await writeRun(projectDir, { project: 'solo', id: 'named', name: 'baseline', tags: ['paper'] });
  const liveDir = await writeRun(projectDir, live);
  lock = await acquireRunLock(liveDir, { command: 'dashboard test' });
  // Outside the project dir: what a symlink must not reach.
  await writeFile(path.join(root, 'secret.txt'), 'secret\n');
  await writeRun(root, { project: 'elsewhere', id: 'outside' });
  dashboard = await startDashboard({ projectDir, port: 0, log: () => undefined });
});

afterAll(async () => {
  await dashboard?.close();
  await lock?.release();
  await rm(root, { recursive: true, force: true });
});

describe('the dashboard server', () => {
  it('lists runs with their status, sweep and test result', async () => {
    const response = await get('/api/runs');
    expect(response.status).toBe(200);
    const { runs } = JSON.parse(response.body) as { runs: RunView[] };
    const byId = new Map(runs.map((run) => [run.id, run]));
    expect([...byId.keys()]).toEqual([
      'lab1/bs256-s0',
      'lab1/bs256-s1',
      'lab1/bs256-s2',
      'lab1/bs64-s0',
      'lab1/bs64-s1',
      'lab1/bs64-s2',
      'solo/crashed',
      'solo/live',
      'solo/named',
    ]);
    expect(byId.get('solo/live')!.status).toBe('running');
    expect(byId.get('solo/crashed')!.status).toBe('crashed');
    expect(byId.get('lab1/bs64-s1')!.sweep?.point).toEqual({ 'batch-size': 64 });
    expect(byId.get('lab1/bs64-s0')!.test?.confusionMatrix).toHaveLength(5);
    expect(byId.get('lab1/bs64-s0')!.options.batchSize).toBe(64);
    expect(byId.get('lab1/bs64-s0')!.name).toBeNull();
    expect(byId.get('lab1/bs64-s0')!.tags).toEqual([]);
    expect(byId.get('solo/named')).toMatchObject({ name: 'baseline', tags: ['paper'] });
  });

  it("reads every run's log in the background once opened", async () => {
    const store = new RunStore(projectDir);
    await store.open();
    await store.indexed;
    let logged = 0;
    for (const run of await listRuns(projectDir))
      logged += (await readMetrics(runPaths(run.dir).metrics, { damaged: 'skip' })).length;
    expect(logged).toBeGreaterThan(0);
    expect(store.records).toBe(logged);
    store.close();
  });

  it('answers a run metrics by name, and only what is new after `since`', async () => {
    const spec = sweepSpecs()[0];
    const all = records(spec, 0, 5);
    const first = JSON.parse(
      (await get('/api/runs/lab1/bs64-s0/metrics?names=val_acc_epoch,lr')).body,
    );
    expect(Object.keys(first.series).sort()).toEqual(['lr', 'val_acc_epoch']);
    expect(first.names).toContain('train_loss_step');
    expect(first.series.val_acc_epoch.value).toEqual(
      all.filter((record) => record.name === 'val_acc_epoch').map((record) => record.value),
    );
    expect(first.next).toBe(all.length);
    const again = JSON.parse(
      (
        await get(
          `/api/runs/lab1/bs64-s0/metrics?since=${first.next}&generation=${first.generation}`,
        )
      ).body,
    );
    expect(again.reset).toBe(false);
    expect(again.series).toEqual({});
  });

  it('answers the same points in the compact binary form the page asks for', async () => {
    const dir = await writeRun(projectDir, { project: 'solo', id: 'with-nan', epochs: 2 });
    // A value JSON cannot hold (NaN) is logged as null; the binary form carries it as NaN.
    await appendFile(
      path.join(dir, 'metrics.jsonl'),
      JSON.stringify({ step: 99, epoch: 2, time: 1_790_000_999.5, name: 'lr', value: null }) + '\n',
    );
    await dashboard.refresh();
    const base = `http://127.0.0.1:${dashboard.port}/api/runs/solo/with-nan/metrics`;
    for (const query of ['', '?names=lr,val_acc_epoch', '?since=3&generation=']) {
      const json = (await (await fetch(`${base}${query}`)).json()) as MetricsResponse;
      const separator = query ? '&' : '?';
      const binary = await fetch(`${base}${query}${separator}format=f64`);
      expect(binary.headers.get('content-type')).toBe('application/octet-stream');
      const decoded = decodeMetrics(await binary.arrayBuffer());
      expect(decoded).toEqual(json);
    }
    const json = (await (await fetch(`${base}?names=lr`)).json()) as MetricsResponse;
    expect(json.series.lr.value.at(-1)).toBeNull();
  });

  it('answers several runs in one request, each from its own `since`, in JSON and binary', async () => {
    const one = '/api/runs/lab1/bs64-s0/metrics?names=val_acc_epoch';
    const first = JSON.parse((await get(one)).body) as MetricsResponse;
    const single = [
      first,
      JSON.parse((await get('/api/runs/lab1/bs256-s1/metrics?names=val_acc_epoch')).body),
      null,
    ];
    // From the start for two runs; the third does not exist.
    let query =
      'names=val_acc_epoch&run=lab1/bs64-s0&since=&generation=&run=lab1/bs256-s1&since=&generation=&run=lab1/nope&since=&generation=';
    const batch = JSON.parse((await get(`/api/metrics?${query}`)).body) as {
      runs: (MetricsResponse | null)[];
    };
    expect(batch.runs).toEqual(single);
    const base = `http://127.0.0.1:${dashboard.port}/api/metrics`;
    const binary = await fetch(`${base}?${query}&format=f64`);
    expect(decodeMetricsBatch(await binary.arrayBuffer())).toEqual(batch);
    // Up to date: nothing new for the first run, everything for the second.
    query = `names=val_acc_epoch&run=lab1/bs64-s0&since=${first.next}&generation=${first.generation}&run=lab1/bs256-s1&since=&generation=`;
    const later = decodeMetricsBatch(
      await (await fetch(`${base}?${query}&format=f64`)).arrayBuffer(),
    );
    expect(later.runs[0]).toMatchObject({ reset: false, series: {} });
    expect(later.runs[1]).toEqual(single[1]);
  });

  it('leaves the times out when asked (omit=time), and refuses leaving out anything else', async () => {
    const base = `http://127.0.0.1:${dashboard.port}/api/runs/lab1/bs64-s0/metrics?names=lr`;
    const whole = (await (await fetch(base)).json()) as MetricsResponse;
    const json = (await (await fetch(`${base}&omit=time`)).json()) as MetricsResponse;
    expect(json.omit).toEqual(['time']);
    expect(json.series.lr.time).toEqual([]);
    expect({ ...json.series.lr, time: whole.series.lr.time }).toEqual(whole.series.lr);
    const binary = await fetch(`${base}&omit=time&format=f64`);
    expect(decodeMetrics(await binary.arrayBuffer())).toEqual(json);
    const batch = await fetch(
      `http://127.0.0.1:${dashboard.port}/api/metrics?names=lr&run=lab1/bs64-s0&since=&generation=&omit=time&format=f64`,
    );
    expect(decodeMetricsBatch(await batch.arrayBuffer()).runs[0]).toEqual(json);
    const refused = await get('/api/runs/lab1/bs64-s0/metrics?omit=step');
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body).error).toBe(
      'omit=step: only the times can be left out (omit=time)',
    );
  });

  it('follows a live run: appended lines come back after `since`', async () => {
    const before = JSON.parse((await get('/api/runs/solo/live/metrics')).body);
    // Read in binary first: the steps and epochs kept as runs must take in what is appended.
    await fetch(`http://127.0.0.1:${dashboard.port}/api/runs/solo/live/metrics?format=f64`);
    await appendEpochs(projectDir, live, 2, 3);
    const after = JSON.parse(
      (
        await get(
          `/api/runs/solo/live/metrics?since=${before.next}&generation=${before.generation}`,
        )
      ).body,
    );
    expect(after.series.val_acc_epoch.epoch).toEqual([2]);
    expect(after.next).toBe(before.next + records(live, 2, 3).length);
    const url = `http://127.0.0.1:${dashboard.port}/api/runs/solo/live/metrics`;
    const all = (await (await fetch(url)).json()) as MetricsResponse;
    expect(all.series.val_acc_epoch.epoch).toEqual([0, 1, 2]);
    expect(decodeMetrics(await (await fetch(`${url}?format=f64`)).arrayBuffer())).toEqual(all);
  });

  it('skips malformed and half-written metric lines', async () => {
    const spec: RunSpec = { project: 'solo', id: 'damaged', epochs: 1 };
    const dir = await writeRun(projectDir, spec);
    await appendFile(
      path.join(dir, 'metrics.jsonl'),
      'not json\n{"step":1,"name":"val_acc_epoch"}\n' +
        lines([{ step: 99, epoch: 9, time: 1, name: 'val_acc_epoch', value: 0.5 }]) +
        '{"step":100,"epoch":9,"ti',
    );
    await dashboard.refresh();
    const response = JSON.parse(
      (await get('/api/runs/solo/damaged/metrics?names=val_acc_epoch')).body,
    );
    expect(response.series.val_acc_epoch.step.at(-1)).toBe(99);
    expect(response.series.val_acc_epoch.step).toHaveLength(2);
  });

  it('keeps serving when a run folder is deleted while being watched', async () => {
    const dir = await writeRun(projectDir, { project: 'solo', id: 'doomed' });
    await dashboard.refresh();
    expect((await get('/api/runs/solo/doomed/metrics')).status).toBe(200);
    await rm(dir, { recursive: true });
    const metrics = await get('/api/runs/solo/doomed/metrics');
    expect([200, 404]).toContain(metrics.status);
    await dashboard.refresh();
    expect((await get('/api/runs/solo/doomed/metrics')).status).toBe(404);
    const { runs } = JSON.parse((await get('/api/runs')).body);
    expect((runs as RunView[]).map((run) => run.id)).not.toContain('solo/doomed');
  });

  it('serves the page and answers /favicon.ico', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="app">');
    const icon = await get('/favicon.ico');
    expect(icon.status).toBe(200);
    expect(icon.type).toBe('image/svg+xml');
    expect((await get('/', 'HEAD')).body).toBe('');
  });

  it('refuses every method but GET and HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const response = await get('/api/runs', method);
      expect(response.status).toBe(405);
    }
  });

  describe('refuses paths out of the project dir and the page with 404', () => {
    it('..', async () => {
      expect((await get('/../package.json')).status).toBe(404);
      expect((await get('/api/runs/../../secret.txt/metrics')).status).toBe(404);
      expect((await get('/assets/../../../package.json')).status).toBe(404);
    });
    it('%2e%2e', async () => {
      expect((await get('/%2e%2e/package.json')).status).toBe(404);
      expect((await get('/api/runs/%2e%2e/elsewhere/metrics')).status).toBe(404);
      expect((await get('/api/runs/lab1%2f..%2f..%2felsewhere/outside/metrics')).status).toBe(404);
      expect((await get('/%2E%2E%2f%2E%2E%2fpackage.json')).status).toBe(404);
    });
    it('double-encoded forms', async () => {
      expect((await get('/%252e%252e/package.json')).status).toBe(404);
      expect((await get('/api/runs/%252e%252e/elsewhere/metrics')).status).toBe(404);
      expect((await get('/%252e%252e%252fpackage.json')).status).toBe(404);
    });
    it('absolute paths', async () => {
      expect((await get('//etc/passwd')).status).toBe(404);
      expect((await get(`/${encodeURIComponent(path.join(root, 'secret.txt'))}`)).status).toBe(404);
      expect((await get(`/api/runs/${encodeURIComponent(root)}/x/metrics`)).status).toBe(404);
      expect((await get('/%2fetc%2fpasswd')).status).toBe(404);
    });
    it('symlinks pointing out of it', async () => {
      // A project that is a symlink to a folder outside, and a run whose log links outside.
      await symlink(path.join(root, 'elsewhere'), path.join(projectDir, 'linked'));
      const sneaky = await writeRun(projectDir, { project: 'solo', id: 'sneaky' });
      await rm(path.join(sneaky, 'metrics.jsonl'));
      await symlink(
        path.join(root, 'elsewhere', 'outside', 'metrics.jsonl'),
        path.join(sneaky, 'metrics.jsonl'),
      );
      await dashboard.refresh();
      const { runs } = JSON.parse((await get('/api/runs')).body);
      expect((runs as RunView[]).map((run) => run.id)).not.toContain('linked/outside');
      expect((await get('/api/runs/linked/outside/metrics')).status).toBe(404);
      expect((await get('/api/runs/solo/sneaky/metrics')).status).toBe(404);
    });
    it('symlinks in the page folder pointing out of it', async () => {
      const web = path.join(root, 'web');
      await mkdir(web);
      await writeFile(path.join(web, 'index.html'), '<div id="app"></div>');
      await symlink(path.join(root, 'secret.txt'), path.join(web, 'secret.txt'));
      const other = await startDashboard({
        projectDir,
        port: 0,
        webRoot: web,
        log: () => undefined,
      });
      try {
        const response = await fetch(`${other.url}secret.txt`);
        expect(response.status).toBe(404);
        expect(await response.text()).not.toContain('secret');
        expect((await fetch(other.url)).status).toBe(200);
      } finally {
        await other.close();
      }
    });
  });
});
