import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@machop/dashboard',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The browser tests start Chromium and a real server; one file at a time on two cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
