import type { Options } from 'tsup';

/** The build every library package shares: ESM + CJS + declarations for both, for Node 20. */
export const libraryBuild = {
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  // import.meta.url in the CJS output (used to find package files at run time).
  shims: true,
  target: 'node20',
} satisfies Options;
