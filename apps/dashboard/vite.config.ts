import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The page: bundled with everything it uses (Preact, uPlot, @machop/runs/series) into
// dist/web/, which the server serves. Nothing is fetched from anywhere else at run time.
export default defineConfig({
  root: fileURLToPath(new URL('./src/web', import.meta.url)),
  base: './',
  build: {
    outDir: fileURLToPath(new URL('./dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: true,
  },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
});
