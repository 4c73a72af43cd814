import { defineConfig } from 'tsup';

// The server and binary; the page (src/web) is built by Vite into dist/web afterwards.
export default defineConfig({
  entry: ['src/index.ts', 'src/bin.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  clean: true,
  sourcemap: true,
  target: 'node20',
});
