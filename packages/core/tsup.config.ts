import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/testing.ts', 'src/tf.ts'],
  // The tf namespace is re-exported through the package's own `./tf` entry so that declaration
  // bundling keeps it a real namespace (tf.Tensor works as a type for users).
  external: ['@machop/core/tf'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  shims: true,
  target: 'node20',
});
