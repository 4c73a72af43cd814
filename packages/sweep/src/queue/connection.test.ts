import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, displayQueueUrl, queueConnectionOptions } from './connection.js';
import { startRedisServer, type RedisServer } from './redis-server.testing.js';

// A real redis-server that requires a password, as a queue reachable from other machines should.
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer({ password: 'p@ss word' });
}, 30_000);
afterAll(() => redis?.stop());

const at = (auth: string, database = 0) => `redis://${auth}127.0.0.1:${redis.port}/${database}`;

describe('connectRedis', () => {
  it('logs in with the password of the URL and selects its database', async () => {
    const client = await connectRedis(at(':p%40ss%20word@', 3));
    try {
      expect(await client.client('INFO')).toMatch(/ db=3 /);
    } finally {
      client.disconnect();
    }
  });

  it('says in one line, at once, that the password is missing or wrong, without printing it', async () => {
    const started = Date.now();
    await expect(connectRedis(at(''), 5000)).rejects.toThrow(
      new RegExp(
        `^Redis at redis://127\\.0\\.0\\.1:${redis.port}/0 refused the password \\(NOAUTH .+\\); give it in the URL, redis://:PASSWORD@HOST:PORT/DB`,
      ),
    );
    await expect(connectRedis(at(':guess@'), 5000)).rejects.toThrow(
      new RegExp(
        `^Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port}/0 refused the password \\(WRONGPASS`,
      ),
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses a database the server does not have instead of using database 0', async () => {
    await expect(connectRedis(at(':p%40ss%20word@', 99))).rejects.toThrow(
      /^--queue redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/99: Redis has no database 99 \(it has 16: 0 to 15\); give one it has, such as \/0$/,
    );
  });
});

describe('queueConnectionOptions', () => {
  it('turns rediss:// into TLS checked against the host, with user and password decoded', () => {
    expect(queueConnectionOptions('rediss://worker:s%3Acret@queue.example:6380/2')).toEqual({
      host: 'queue.example',
      port: 6380,
      db: 2,
      username: 'worker',
      password: 's:cret',
      tls: { servername: 'queue.example' },
    });
    expect(queueConnectionOptions('redis://127.0.0.1:6379')).toEqual({
      host: '127.0.0.1',
      port: 6379,
      db: 0,
    });
  });

  it('hides the password wherever the URL is shown', () => {
    expect(displayQueueUrl('rediss://worker:s3cret@queue.example:6380/2')).toBe(
      'rediss://worker:***@queue.example:6380/2',
    );
    expect(displayQueueUrl('redis://127.0.0.1:6379/0')).toBe('redis://127.0.0.1:6379/0');
  });
});
