import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '@machop/core/base';
import type { PluginSpec } from '@machop/core/base';
import type { MachopConfig } from './define-config.js';
import { jsonErrorLine } from './settings.js';

/** Config file names, in the order they are looked for. */
export const CONFIG_FILES = [
  'machop.config.json',
  'machop.config.mjs',
  'machop.config.js',
] as const;

/** Read the project configuration of `cwd`, if there is one. Only the working folder is searched. */
export async function loadProjectConfig(
  cwd: string,
): Promise<{ config: MachopConfig; file?: string }> {
  const file = CONFIG_FILES.map((name) => path.join(cwd, name)).find((candidate) =>
    existsSync(candidate),
  );
  if (!file) return { config: {} };
  let config: unknown;
  if (file.endsWith('.json')) {
    const text = await readFile(file, 'utf8');
    try {
      config = JSON.parse(text);
    } catch (error) {
      const line = jsonErrorLine(text, error);
      throw new ConfigError(
        `${file}${line ? `:${line}` : ''}: not valid JSON (${(error as Error).message}); fix the file or remove it`,
      );
    }
  } else {
    try {
      const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
      config = module.default;
    } catch (error) {
      throw new ConfigError(
        `${file}: could not be loaded: ${(error as Error).message.split('\n')[0]}`,
        { cause: error },
      );
    }
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ConfigError(
      `${file}: must hold an object such as { "plugins": ["machop-plugin-x"] }`,
    );
  }
  const { plugins, ...rest } = config as Record<string, unknown>;
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length > 0)
    throw new ConfigError(`${file}: unknown key "${unknownKeys[0]}"; the keys are: plugins`);
  if (plugins !== undefined && !Array.isArray(plugins))
    throw new ConfigError(
      `${file}: "plugins" must be a list, such as ["machop-plugin-x", "./my-plugin.mjs"]`,
    );
  return { config: { plugins: plugins as PluginSpec[] | undefined }, file };
}
