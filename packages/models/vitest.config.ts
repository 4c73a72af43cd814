import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@machop/models',
    include: ['src/**/*.test.ts'],
  },
});
