import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@machop/search',
    include: ['src/**/*.test.ts'],
  },
});
