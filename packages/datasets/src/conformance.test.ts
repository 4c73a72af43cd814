import { describeDatasetConformance } from '@machop/core/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { setEnv } from './test-support/env.js';
import { fixturePath, fixtureText } from './test-support/fixtures.js';
import { OpenmlServer } from './test-support/openml-server.js';
import datasets from './index.js';

// The jsc download path runs against a loopback stand-in for OpenML serving the synthetic fixture.
const server = new OpenmlServer(fixtureText('jsc-synthetic.arff'));
let restore: () => void;
beforeAll(async () => {
  await server.start();
  restore = setEnv({ MACHOP_OPENML_URL: server.url, MACHOP_DATA_DIR: undefined });
});
afterAll(async () => {
  restore();
  await server.stop();
});

describeDatasetConformance('toy', { plugins: [datasets] });
describeDatasetConformance('toy', {
  plugins: [datasets],
  options: { samples: 200, features: 3, classes: 5, dataSeed: 9 },
  split: { seed: 1, testFraction: 0.3, valFraction: 0.2 },
});
describeDatasetConformance('csv', {
  plugins: [datasets],
  options: { data: fixturePath('wine.csv'), labelColumn: 'label' },
});
describeDatasetConformance('csv', {
  plugins: [datasets],
  options: { data: fixturePath('breast-cancer.csv') },
});
describeDatasetConformance('jsc', {
  plugins: [datasets],
  options: { dataDir: fixturePath('jsc-synthetic.arff') },
});
describeDatasetConformance('jsc', { plugins: [datasets] });

it('ran the jsc conformance through the download path of the loopback server', () => {
  expect(server.requests).toContain('/data/v1/download/22044765/hls4ml_lhc_jets_hlf.arff');
});
