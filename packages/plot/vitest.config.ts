import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@machop/plot',
    include: ['src/**/*.test.ts'],
  },
});
