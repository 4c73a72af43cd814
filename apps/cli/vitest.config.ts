import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'machop',
    include: ['test/**/*.test.ts'],
    // These tests run the real `ch` binary, which trains real models.
    testTimeout: 180_000,
    hookTimeout: 60_000,
  },
});
