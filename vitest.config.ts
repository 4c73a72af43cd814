import { defineConfig } from 'vitest/config';

// Projects mode: `npx vitest` at the root runs every package's tests; `nx run <pkg>:test` runs one.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'examples/*', 'tools/*'],
  },
});
