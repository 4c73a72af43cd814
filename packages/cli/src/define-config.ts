import type { PluginSpec } from '@machop/core/base';

/** The project configuration read from `machop.config.{json,mjs,js}` in the working folder. */
export interface MachopConfig {
  /** Plugins to load: package names, paths (relative to the config file), or plugin objects. */
  plugins?: PluginSpec[];
}

/** Declare a project configuration (in `machop.config.mjs`); returns it unchanged, for types. */
export function defineConfig(config: MachopConfig): MachopConfig {
  return config;
}
