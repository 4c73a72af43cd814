import { createRequire } from 'node:module';
import path from 'node:path';
import { BackendError } from './errors.js';
import * as tf from '@machop/core/tf';

/** Names of the compute backends Machop.ts can run on. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** The backend a process is running on, and why it was chosen. */
export interface BackendInfo {
  name: BackendName;
  /** What was asked for: a backend name, or `auto`. */
  requested: BackendName | 'auto';
  /** Why this backend: requested, or which faster ones were unavailable and why. */
  reason: string;
  /** For wasm: whether the SIMD build is running. */
  simd?: boolean;
  /** The tfjs version. */
  tfjsVersion: string;
}

interface Candidate {
  name: BackendName;
  /** Higher is preferred when nothing is requested. */
  priority: number;
  /** Registers the backend with tfjs; throws if it cannot run here. */
  register(): Promise<void>;
}

const requireHere = createRequire(import.meta.url);

// Choosing a backend is data: each candidate registers itself lazily, and `auto` takes the
// highest priority that starts. Measured on 2 cores, Node 20, tfjs 4.22 (small JSC MLPs):
// native libtensorflow > wasm with SIMD (1.5-10x faster than cpu, single-threaded) > pure JS cpu.
const CANDIDATES: readonly Candidate[] = [
  {
    name: 'tensorflow',
    priority: 3,
    async register() {
      // Optional dependency: present only where its native library could be installed.
      const moduleName = '@tensorflow/tfjs-node';
      await import(moduleName);
    },
  },
  {
    name: 'wasm',
    priority: 2,
    async register() {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // Threaded wasm does not start in Node as shipped, and was slower when forced: use one thread.
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      // The .wasm binaries ship inside the npm package; point tfjs at them so nothing is fetched.
      const folder = path.dirname(
        requireHere.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'),
      );
      wasm.setWasmPaths(folder + path.sep);
    },
  },
  {
    name: 'cpu',
    priority: 1,
    async register() {
      await import('@tensorflow/tfjs-backend-cpu');
    },
  },
];

const BACKEND_NAMES = CANDIDATES.map((candidate) => candidate.name);

let current: BackendInfo | undefined;

function describe(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return 'not installed';
  const text =
    error instanceof Error
      ? error.message
      : typeof error === 'object' && error && 'message' in error
        ? String(error.message)
        : String(error);
  return text.split('\n')[0];
}

async function start(candidate: Candidate): Promise<void> {
  // PROD silences tfjs' console adverts (such as "install the node backend"): the CLI owns stderr.
  tf.env().set('PROD', true);
  await candidate.register();
  const ok = await tf.setBackend(candidate.name);
  if (!ok) throw new BackendError(`tfjs could not initialise the ${candidate.name} backend`);
  await tf.ready();
}

/**
 * Start the compute backend, once per process, and report which one runs.
 *
 * `backend` (or the `MACHOP_BACKEND` environment variable) names one of `tensorflow`, `wasm` and
 * `cpu`; a named backend that cannot start is an error rather than a silent fallback. With
 * neither (or `auto`), the fastest backend that starts is used: `tensorflow` (the optional
 * `@tensorflow/tfjs-node` package), then `wasm` with SIMD, then `cpu`.
 */
export async function initBackend(
  options: { backend?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<BackendInfo> {
  const env = options.env ?? process.env;
  const raw = (options.backend ?? env.MACHOP_BACKEND ?? 'auto').trim().toLowerCase() || 'auto';
  const requested = raw === 'node' || raw === 'tfjs-node' ? 'tensorflow' : raw;
  if (requested !== 'auto' && !BACKEND_NAMES.includes(requested as BackendName)) {
    const from = options.backend !== undefined ? '--backend' : 'MACHOP_BACKEND';
    throw new BackendError(
      `unknown backend "${raw}" (from ${from}): use one of auto, ${BACKEND_NAMES.join(', ')}`,
    );
  }
  if (current && (requested === 'auto' || requested === current.name)) return current;

  const skipped: string[] = [];
  const order =
    requested === 'auto'
      ? [...CANDIDATES].sort((a, b) => b.priority - a.priority)
      : CANDIDATES.filter((candidate) => candidate.name === requested);
  for (const candidate of order) {
    try {
      await start(candidate);
    } catch (error) {
      if (requested !== 'auto') {
        const hint =
          candidate.name === 'tensorflow'
            ? '; install @tensorflow/tfjs-node (it downloads libtensorflow) or use --backend wasm'
            : '';
        throw new BackendError(
          `backend "${candidate.name}" could not start: ${describe(error)}${hint}`,
          { cause: error },
        );
      }
      skipped.push(`${candidate.name}: ${describe(error)}`);
      continue;
    }
    const simd =
      candidate.name === 'wasm'
        ? Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))
        : undefined;
    current = {
      name: candidate.name,
      requested: requested as BackendName | 'auto',
      reason:
        requested === 'auto'
          ? skipped.length === 0
            ? 'fastest available'
            : `fastest available; skipped ${skipped.join('; ')}`
          : 'requested',
      tfjsVersion: tf.version_core,
      ...(simd === undefined ? {} : { simd }),
    };
    return current;
  }
  throw new BackendError(`no compute backend could start: ${skipped.join('; ')}`);
}

/** The backend started by {@link initBackend}, or undefined before it ran. */
export function currentBackend(): BackendInfo | undefined {
  return current;
}

/** The names accepted by {@link initBackend}. */
export const backendNames: readonly BackendName[] = BACKEND_NAMES;
