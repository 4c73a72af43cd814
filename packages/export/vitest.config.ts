import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@machop/export',
    include: ['src/**/*.test.ts'],
  },
});
