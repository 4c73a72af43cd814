import { defineProject } from 'vitest/config';

// `npm run bench` only: the benchmark is no test (it measures time), so the tests' config leaves it out.
export default defineProject({
  test: {
    name: '@machop/dashboard bench',
    include: ['bench/**/*.bench.ts'],
    testTimeout: 600_000,
  },
});
