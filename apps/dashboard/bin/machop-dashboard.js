#!/usr/bin/env node
// Launcher of the machop-dashboard command. It is committed (not built) so that npm links the
// binary at install time, before the first build.
import { existsSync } from 'node:fs';

const built = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write(
    'error: @machop/dashboard is not built yet; run "npm run build" at the repository root\n',
  );
  process.exit(1);
}
await import(built.href);
