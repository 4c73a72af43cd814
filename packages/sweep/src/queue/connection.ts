import { ConfigError, MachopError } from '@machop/core/base';
import { Redis } from 'ioredis';

/** The BullMQ queue every sweep's trials go through; a job's id names its sweep and trial. */
export const QUEUE_NAME = 'machop-trials';

/** Job ids: `<sweep id>.<trial name>`, so enqueueing a trial twice finds the first job. */
export function trialJobId(sweep: string, trial: string): string {
  // BullMQ forbids ':' in custom ids (it separates its keys); sweep ids and trial names have none.
  return `${sweep}.${trial}`.replaceAll(':', '_');
}

/** Check a `--queue` value: `redis://HOST:PORT/DB` (or `rediss://` for TLS). */
export function checkQueueUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(
      `--queue ${JSON.stringify(url)} is not a URL; give redis://HOST:PORT/DB, such as redis://127.0.0.1:6379/0`,
    );
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new ConfigError(
      `--queue ${url}: only redis:// and rediss:// URLs are supported, such as redis://127.0.0.1:6379/0`,
    );
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db))
    throw new ConfigError(
      `--queue ${url}: the database after the port must be a number, such as /0`,
    );
  return url;
}

/**
 * Connect to Redis and wait until it answers, so a wrong URL is one line at start rather than a
 * process that retries silently. Once connected, commands wait through a Redis restart (the
 * client reconnects forever and `maxRetriesPerRequest: null` keeps commands queued), as BullMQ's
 * workers require.
 */
export async function connectRedis(url: string, timeoutMilliseconds = 10_000): Promise<Redis> {
  checkQueueUrl(url);
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    lazyConnect: true,
    // Back off up to 2 s between attempts: a restarted Redis is found again within seconds.
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  // Errors while reconnecting are expected; without a listener ioredis prints each one.
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => (lastError = error));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new MachopError(
                'E_QUEUE',
                `cannot reach Redis at ${url}${lastError ? ` (${lastError.message})` : ''}; start redis-server there or fix --queue`,
              ),
            ),
          timeoutMilliseconds,
        );
      }),
    ]);
  } catch (error) {
    redis.disconnect();
    if (error instanceof MachopError) throw error;
    throw new MachopError(
      'E_QUEUE',
      `cannot reach Redis at ${url} (${(lastError ?? (error as Error)).message}); start redis-server there or fix --queue`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
  return redis;
}
