import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base.js';

// sweep-worker is the module `ch sweep` forks for its worker processes.
export default defineConfig({ ...libraryBuild, entry: ['src/index.ts', 'src/sweep-worker.ts'] });
