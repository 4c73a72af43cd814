import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@machop/engine-fused',
    include: ['src/**/*.test.ts'],
    // Two-thread tests wait for a worker thread, which a busy machine can keep off a core.
    testTimeout: 60_000,
  },
});
