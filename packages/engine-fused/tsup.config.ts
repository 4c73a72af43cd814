import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base.js';

// shard-worker is the second thread of a two-thread engine, started by path (dist/shard-worker.js).
export default defineConfig({
  ...libraryBuild,
  entry: ['src/index.ts', 'src/shard-worker.ts', 'src/testing.ts'],
});
