import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base.js';

// `series` and `direction` have no Node imports, so the dashboard's browser bundle can use it too.
export default defineConfig({ ...libraryBuild, entry: ['src/index.ts', 'src/series.ts', 'src/direction.ts'] });
