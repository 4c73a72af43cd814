import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@machop/runs',
    include: ['src/**/*.test.ts'],
  },
});
