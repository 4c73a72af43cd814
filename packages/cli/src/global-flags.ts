import type { FlagSpec } from './args.js';

/** Flags every command accepts. */
export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  {
    name: 'plugin',
    type: 'string-list',
    repeatable: true,
    value: 'PACKAGE|PATH',
    description: 'load a plugin (repeatable); also "plugins" in machop.config.json',
  },
  { name: 'json', type: 'boolean', description: 'machine-readable JSON on stdout' },
  { name: 'debug', type: 'boolean', description: 'show stack traces of errors' },
  { name: 'help', type: 'boolean', short: 'h', description: 'show help' },
];
