// One redis-server helper for the queue's unit tests and these end-to-end tests.
export {
  startRedisServer,
  type RedisServer,
} from '../../../packages/sweep/src/queue/redis-server.testing.js';
