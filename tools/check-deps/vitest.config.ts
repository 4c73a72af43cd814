import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@machop/check-deps',
    include: ['src/**/*.test.ts'],
  },
});
