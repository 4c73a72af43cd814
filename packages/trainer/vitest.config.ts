import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@machop/trainer',
    include: ['src/**/*.test.ts'],
  },
});
