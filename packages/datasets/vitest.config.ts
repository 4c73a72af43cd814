import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@machop/datasets',
    include: ['src/**/*.test.ts'],
    benchmark: {
      include: ['bench/**/*.bench.ts'],
    },
  },
});
