import { main } from '@machop/cli';
import pkg from '../package.json' with { type: 'json' };

// The `ch` binary: everything lives in @machop/cli, so other programs can run the same commands.
process.exitCode = await main(process.argv.slice(2), undefined, { version: pkg.version });
