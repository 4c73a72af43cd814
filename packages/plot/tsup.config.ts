import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base.js';

// ESM only: vega and vega-lite are ES modules with top-level await, which require() cannot load.
export default defineConfig({ ...libraryBuild, format: ['esm'], entry: ['src/index.ts'] });
