import { defineConfig } from 'tsup';
import { libraryBuild } from '../../tsup.base.js';

// testing is the public home of the JSC test stand-ins (synthetic rows, a loopback OpenML).
export default defineConfig({ ...libraryBuild, entry: ['src/index.ts', 'src/testing.ts'] });
