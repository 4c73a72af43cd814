import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@machop/sweep',
    include: ['src/**/*.test.ts'],
  },
});
