import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const FEATURES = [
  'j_zlogz',
  'j_c1_b0_mmdt',
  'j_c1_b1_mmdt',
  'j_c1_b2_mmdt',
  'j_c2_b1_mmdt',
  'j_c2_b2_mmdt',
  'j_d2_b1_mmdt',
  'j_d2_b2_mmdt',
  'j_d2_a1_b1_mmdt',
  'j_d2_a1_b2_mmdt',
  'j_m2_b1_mmdt',
  'j_m2_b2_mmdt',
  'j_n2_b1_mmdt',
  'j_n2_b2_mmdt',
  'j_mass_mmdt',
  'j_multiplicity',
];
// OpenML lists the nominal values alphabetically; the loader maps them to MASE's g, q, w, z, t.
const CLASSES = ['g', 'q', 't', 'w', 'z'];

/**
 * A synthetic ARFF file in the layout OpenML serves for hls4ml_lhc_jets_hlf (data set 42468):
 * 16 numeric jet features and a nominal class. Rows are random but class-dependent, so a model
 * can learn them; they are not physics.
 */
export function syntheticJscArff(rows: number, seed = 1): string {
  let state = seed;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const lines = [
    '% Synthetic rows in the schema of OpenML 42468 (hls4ml_lhc_jets_hlf), for tests only.',
    '@RELATION hls4ml_lhc_jets_hlf',
    '',
  ];
  for (const feature of FEATURES) lines.push(`@ATTRIBUTE ${feature} NUMERIC`);
  lines.push(`@ATTRIBUTE class {${CLASSES.join(',')}}`, '', '@DATA');
  for (let row = 0; row < rows; row++) {
    const label = row % CLASSES.length;
    const values = FEATURES.map((_, column) =>
      (label * ((column % 3) + 1) * 0.6 + (random() - 0.5) * 2.5).toFixed(5),
    );
    lines.push(`${values.join(',')},${CLASSES[label]}`);
  }
  return lines.join('\n') + '\n';
}

/** A loopback server answering OpenML's description API and serving the ARFF file. */
export async function startOpenmlServer(
  arff: string,
): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const md5 = createHash('md5').update(arff).digest('hex');
  const requests: string[] = [];
  let base = '';
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    if (request.url === '/api/v1/json/data/42468') {
      response.setHeader('content-type', 'application/json');
      response.end(
        JSON.stringify({
          data_set_description: {
            id: '42468',
            name: 'hls4ml_lhc_jets_hlf',
            version: '1',
            format: 'ARFF',
            file_id: '22044302',
            url: `${base}/data/v1/download/22044302/hls4ml_lhc_jets_hlf.arff`,
            default_target_attribute: 'class',
            md5_checksum: md5,
          },
        }),
      );
    } else if (request.url === '/data/v1/download/22044302/hls4ml_lhc_jets_hlf.arff') {
      response.setHeader('content-length', Buffer.byteLength(arff));
      response.end(arff);
    } else {
      response.statusCode = 404;
      response.end('{"error":{"code":"111","message":"Unknown dataset"}}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
