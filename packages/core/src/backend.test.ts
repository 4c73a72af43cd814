import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { currentBackend, initBackend, tf } from './index.js';

const nativeInstalled = (() => {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();

describe('initBackend', () => {
  it('starts the fastest backend that works and says why', async () => {
    const info = await initBackend({ env: {} });
    expect(info.requested).toBe('auto');
    expect(info.name).toBe(nativeInstalled ? 'tensorflow' : 'wasm');
    expect(tf.getBackend()).toBe(info.name);
    if (!nativeInstalled) {
      expect(info.reason).toBe('fastest available; skipped tensorflow: not installed');
      // The SIMD build ships in the npm package and is found without a network.
      expect(info.simd).toBe(true);
    }
    expect(currentBackend()).toEqual(info);
    const sum = tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4]));
    expect(Array.from(sum.dataSync())).toEqual([4, 6]);
  });

  it('honours MACHOP_BACKEND, and an explicit option over it', async () => {
    expect((await initBackend({ env: { MACHOP_BACKEND: 'cpu' } })).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const explicit = await initBackend({ backend: 'wasm', env: { MACHOP_BACKEND: 'cpu' } });
    expect(explicit).toMatchObject({ name: 'wasm', requested: 'wasm', reason: 'requested' });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('refuses an unknown backend name with the valid ones', async () => {
    await expect(initBackend({ backend: 'gpu' })).rejects.toThrowError(
      'unknown backend "gpu" (from --backend): use one of auto, tensorflow, wasm, cpu',
    );
    await expect(initBackend({ env: { MACHOP_BACKEND: 'webgl' } })).rejects.toThrowError(
      /from MACHOP_BACKEND/,
    );
  });

  it.skipIf(nativeInstalled)(
    'does not fall back silently when the native backend is requested but missing',
    async () => {
      await expect(initBackend({ backend: 'tensorflow' })).rejects.toThrowError(
        'backend "tensorflow" could not start: not installed; install @tensorflow/tfjs-node (it downloads libtensorflow) or use --backend wasm',
      );
    },
  );
});
