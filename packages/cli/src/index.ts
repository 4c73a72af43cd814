/**
 * @machop/cli: the `ch` commands as a library. The `machop` package's `ch` binary is a thin
 * wrapper around {@link main}; other programs (a sweep runner, tests) call it directly.
 *
 * @packageDocumentation
 */
export { main } from './main.js';
export { defineConfig, type MachopConfig } from './define-config.js';
export { processIo, type Io } from './io.js';
