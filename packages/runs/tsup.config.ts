import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base.js';

// `series`, `curves` and `groups` have no Node imports, so the dashboard's browser bundle can use them too.
export default defineConfig({
  ...libraryBuild,
  entry: ['src/index.ts', 'src/series.ts', 'src/curves.ts', 'src/groups.ts'],
});
