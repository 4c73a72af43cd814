import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@machop/trainer',
    include: ['src/**/*.test.ts'],
    // Tests train real models; on a loaded two-core machine a few runs take longer than 5 s.
    testTimeout: 30_000,
  },
});
