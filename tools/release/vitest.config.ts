import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: '@machop/release',
    include: ['src/**/*.test.ts'],
    // The release dry run packs and dry-run publishes every package.
    testTimeout: 240_000,
  },
});
