import os from 'node:os';
import path from 'node:path';

/**
 * The folder for downloads and caches: `$MACHOP_CACHE_DIR`, else `$XDG_CACHE_HOME/machop`,
 * else `~/.cache/machop`.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MACHOP_CACHE_DIR) return path.resolve(env.MACHOP_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return path.join(path.resolve(env.XDG_CACHE_HOME), 'machop');
  return path.join(os.homedir(), '.cache', 'machop');
}
