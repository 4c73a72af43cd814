import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@machop/hardware',
    include: ['src/**/*.test.ts'],
  },
});
