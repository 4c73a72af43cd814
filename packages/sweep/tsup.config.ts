import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base.js';

// `worker` is the child-process side of the local executor: a module of its own to fork.
export default defineConfig({ ...libraryBuild, entry: ['src/index.ts', 'src/worker.ts'] });
