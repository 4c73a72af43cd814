import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@machop/metrics',
    include: ['src/**/*.test.ts'],
  },
});
