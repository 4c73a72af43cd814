import path from 'node:path';
import type { ConfigFile, Setting } from './settings.js';
import { formatTable } from './table.js';

/** Values longer than this are listed under the table, so that its rows fit 80 columns. */
const LONG_VALUE = 36;

/** The settings and their sources; long values (the paths of --resume, --load) follow the table. */
export function settingsTable(
  settings: Map<string, Setting>,
  config: ConfigFile | undefined,
): string {
  const sourceName = (setting: Setting) =>
    setting.source === 'config' && config
      ? `config (${path.basename(config.file)})`
      : setting.source;
  const rows = [...settings].map(([name, setting]) => [
    name,
    Array.isArray(setting.value) ? setting.value.join(',') : String(setting.value),
    sourceName(setting),
  ]);
  const long = rows.filter(([, value]) => value.length > LONG_VALUE);
  return (
    formatTable(
      ['SETTING', 'VALUE', 'SOURCE'],
      rows.filter(([, value]) => value.length <= LONG_VALUE),
    ) + long.map(([name, value, source]) => `${name} (${source}): ${value}\n`).join('')
  );
}
