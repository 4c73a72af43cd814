import { ConfigError } from '@machop/core/base';

/**
 * Seconds in a duration written as Lightning's `DD:HH:MM:SS`, `HH:MM:SS`, `MM:SS`, or a number of
 * seconds. `where` names the flag or key, for the error message.
 */
export function parseDuration(text: string, where: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const seconds = Number(trimmed);
    if (seconds > 0) return seconds;
  } else if (/^\d+(:\d{1,2}){1,3}$/.test(trimmed)) {
    const parts = trimmed.split(':').map(Number);
    const units = [86400, 3600, 60, 1].slice(4 - parts.length);
    const seconds = parts.reduce((sum, part, index) => sum + part * units[index], 0);
    if (seconds > 0) return seconds;
  }
  throw new ConfigError(
    `${where}: expected a duration such as 00:30:00 (HH:MM:SS), 01:00:00:00 (DD:HH:MM:SS) or 1800 (seconds), got ${JSON.stringify(text)}`,
  );
}
