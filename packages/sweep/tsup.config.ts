import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base.js';

// `worker` is the child-process side of the local executor: a module of its own to fork.
// `queue` keeps BullMQ and ioredis out of the main entry: only queue users load them.
export default defineConfig({
  ...libraryBuild,
  entry: { index: 'src/index.ts', worker: 'src/worker.ts', queue: 'src/queue/index.ts' },
});
