import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base.js';

// `series`, `direction`, `curves`, `groups` and `search-trials` have no Node imports, so the dashboard's browser
// bundle can use them too.
export default defineConfig({
  ...libraryBuild,
  entry: [
    'src/index.ts',
    'src/series.ts',
    'src/direction.ts',
    'src/curves.ts',
    'src/groups.ts',
    'src/search-trials.ts',
  ],
});
