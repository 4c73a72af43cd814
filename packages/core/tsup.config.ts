import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base.js';

export default defineConfig({
  ...libraryBuild,
  entry: ['src/index.ts', 'src/base.ts', 'src/testing.ts', 'src/tf.ts'],
  // The tf namespace is re-exported through the package's own `./tf` entry so that declaration
  // bundling keeps it a real namespace (tf.Tensor works as a type for users).
  external: ['@machop/core/tf'],
});
