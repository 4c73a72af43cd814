// The bench's PyTorch side: one torch_bench.py process, asked one case at a time so that PyTorch
// is measured between the JS measurements of the same case, not minutes apart on a shared machine.
import { Buffer } from 'node:buffer';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A PyTorch process over rows `x` (`features` floats a row) and labels `y`, measuring each case
 * for at least `seconds`; undefined when /usr/bin/python3 has no torch. `dir` holds the rows file.
 */
export async function startTorch({ dir, x, y, features, seconds }) {
  const python = '/usr/bin/python3';
  const check = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
  if (check.error || check.status !== 0) return undefined;
  const data = path.join(dir, 'rows.bin');
  writeFileSync(data, Buffer.concat([Buffer.from(x.buffer), Buffer.from(y.buffer)]));
  const script = fileURLToPath(new URL('torch_bench.py', import.meta.url));
  const child = spawn(python, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const ask = async (request) => {
    child.stdin.write(JSON.stringify(request) + '\n');
    const { value, done } = await lines.next();
    if (done) throw new Error('torch_bench.py stopped');
    return JSON.parse(value);
  };
  const { torch: version, blas } = await ask({ data, rows: y.length, features, seconds });
  return {
    version,
    blas,
    /** Debian's reference BLAS (libblas3), which makes PyTorch's small products ~10x slower. */
    referenceBlas: /\/blas\/libblas\.so/.test(blas),
    /** Samples/s of `layers` (MASE's quantized modules where a layer has `quant`). */
    async measure(name, layers, mode, batch, threads = 1) {
      return (await ask({ name, layers, mode, batch, threads })).samplesPerSecond;
    },
    /**
     * The train-mode loss of `layers` with `weights` (tfjs names and layout) on the first `batch`
     * rows, dropout drawing Machop.ts' masks for engine seed `seed` at step 0.
     */
    async firstLoss(name, layers, weights, batch, seed) {
      const plain = weights.map(({ name: weightName, shape, values }) => ({
        name: weightName,
        shape,
        values: Array.from(values),
      }));
      return (await ask({ name, layers, mode: 'check', weights: plain, batch, seed })).loss;
    },
    close() {
      child.stdin.end();
    },
  };
}
