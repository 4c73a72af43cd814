import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@machop/cli',
    include: ['src/**/*.test.ts'],
  },
});
