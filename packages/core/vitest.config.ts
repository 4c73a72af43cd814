import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@machop/core',
    include: ['src/**/*.test.ts'],
  },
});
