/**
 * @machop/cli: the `ch` commands as a library. The `machop` package's `ch` binary is a thin
 * wrapper around {@link main}; other programs (a sweep runner, tests) call it directly.
 *
 * @packageDocumentation
 */
export { main, COMMANDS, packageVersions } from './main.js';
export { defineConfig, loadProjectConfig, CONFIG_FILES, type MachopConfig } from './project-config.js';
export { processIo, type Io } from './io.js';
export { parseDuration } from './time.js';
