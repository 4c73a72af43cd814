import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@machop/engine-fused',
    include: ['src/**/*.test.ts'],
  },
});
