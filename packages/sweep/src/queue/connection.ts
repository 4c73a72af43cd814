import { ConfigError, MachopError } from '@machop/core/base';
import { Redis, type RedisOptions } from 'ioredis';

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
      `--queue ${displayQueueUrl(url)}: only redis:// and rediss:// URLs are supported, such as redis://127.0.0.1:6379/0`,
    );
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db))
    throw new ConfigError(
      `--queue ${displayQueueUrl(url)}: the database after the port must be a number, such as /0`,
    );
  return url;
}

/**
 * The URL as messages and logs show it: a password becomes `***`, so a log line or an error
 * pasted into an issue does not give the queue away.
 */
export function displayQueueUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * The client options a `--queue` URL stands for: host, port, database, user and password (both
 * percent-decoded), and TLS for `rediss://`, checking the server's certificate against the host
 * name (Node's default trust store, or NODE_EXTRA_CA_CERTS for a private CA).
 */
export function queueConnectionOptions(url: string): RedisOptions {
  checkQueueUrl(url);
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const database = parsed.pathname.replace(/^\//, '');
  return {
    host: host || '127.0.0.1',
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    db: database === '' ? 0 : Number(database),
    ...(parsed.username !== '' && { username: decodeURIComponent(parsed.username) }),
    ...(parsed.password !== '' && { password: decodeURIComponent(parsed.password) }),
    ...(parsed.protocol === 'rediss:' && { tls: { servername: host } }),
  };
}

/**
 * Connect to Redis and wait until it answers, so a wrong URL is one line at start rather than a
 * process that retries silently. Once connected, commands wait through a Redis restart (the
 * client reconnects forever and `maxRetriesPerRequest: null` keeps commands queued), as BullMQ's
 * workers require.
 */
export async function connectRedis(url: string, timeoutMilliseconds = 10_000): Promise<Redis> {
  const redis = new Redis({
    ...queueConnectionOptions(url),
    maxRetriesPerRequest: null,
    lazyConnect: true,
    // Back off up to 2 s between attempts: a restarted Redis is found again within seconds.
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  // Errors while reconnecting are expected; without a listener ioredis prints each one.
  let lastError: Error | undefined;
  let refused: (error: Error) => void = () => undefined;
  redis.on('error', (error: Error) => {
    lastError = error;
    // A wrong or missing password is not a Redis that is still starting: say so at once.
    if (/NOAUTH|WRONGPASS|invalid password/i.test(error.message))
      refused(
        new ConfigError(
          `Redis at ${displayQueueUrl(url)} refused the password (${error.message.trim()}); give it in the URL, redis://:PASSWORD@HOST:PORT/DB (or redis://USER:PASSWORD@...)`,
        ),
      );
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_, reject) => (refused = reject)),
      new Promise((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new MachopError(
                'E_QUEUE',
                `cannot reach Redis at ${displayQueueUrl(url)}${lastError ? ` (${lastError.message})` : ''}; start redis-server there or fix --queue`,
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
      `cannot reach Redis at ${displayQueueUrl(url)} (${(lastError ?? (error as Error)).message}); start redis-server there or fix --queue`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
  await selectDatabase(redis, url);
  return redis;
}

/**
 * Select the URL's database again and wait for the answer: the client selects it on connecting
 * but only reports a refusal as an `error` event, so a database the server does not have would
 * otherwise be database 0 without a word.
 */
async function selectDatabase(redis: Redis, url: string): Promise<void> {
  const database = Number(new URL(url).pathname.replace(/^\//, '') || '0');
  try {
    await redis.select(database);
    return;
  } catch (error) {
    const message = (error as Error).message;
    let databases = '';
    try {
      const [, count] = (await redis.config('GET', 'databases')) as string[];
      if (count !== undefined) databases = ` (it has ${count}: 0 to ${Number(count) - 1})`;
    } catch {
      // CONFIG may be disabled (managed Redis); the refusal is enough to go on.
    }
    redis.disconnect();
    if (!/out of range|invalid DB index/i.test(message))
      throw new MachopError(
        'E_QUEUE',
        `Redis at ${displayQueueUrl(url)} refused database ${database}: ${message}`,
        {
          cause: error,
        },
      );
    throw new ConfigError(
      `--queue ${displayQueueUrl(url)}: Redis has no database ${database}${databases}; give one it has, such as /0`,
      { cause: error },
    );
  }
}
