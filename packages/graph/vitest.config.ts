import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@machop/graph',
    include: ['src/**/*.test.ts'],
  },
});
