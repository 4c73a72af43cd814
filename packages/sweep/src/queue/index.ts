/**
 * @machop/sweep/queue: a sweep's trials on a BullMQ queue in Redis, for many machines. The
 * coordinator's {@link QueueExecutor} enqueues and follows them; a {@link QueueWorker} on each
 * machine takes them one at a time per slot and runs them as ordinary runs in shared storage.
 *
 * @packageDocumentation
 */
export {
  checkQueueUrl,
  connectRedis,
  displayQueueUrl,
  queueConnectionOptions,
  trialJobId,
  QUEUE_NAME,
} from './connection.js';
export {
  readQueuedTrial,
  folderNameField,
  isRecord,
  shown,
  QueueJobError,
  MAX_RETRIES_LIMIT,
  type QueuedTrial,
} from './job.js';
export {
  QueueExecutor,
  checkMaxRetries,
  type QueueExecutorOptions,
  type QueuedTrialState,
} from './queue-executor.js';
export { QueueWorker, type QueueWorkerEvent, type QueueWorkerOptions } from './queue-worker.js';
