import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'machop-plugin-breast-cancer',
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
