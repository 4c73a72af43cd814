// Count the Redis commands the queue protocol costs, for docs/queue.md's throughput note:
// enqueueing, a worker's share per trial, idle workers, and one coordinator poll.
// Usage (after `npm run build`): node scripts/count-queue-commands.mjs redis://127.0.0.1:6379/0
// against a Redis used by nothing else. Commands run inside BullMQ's Lua scripts are counted.
import { setTimeout as sleep } from 'node:timers/promises';
import { connectRedis, QueueExecutor, QueueWorker } from '../dist/queue.js';

const url = process.argv[2];
if (!url) throw new Error('usage: node scripts/count-queue-commands.mjs redis://HOST:PORT/DB');
const TRIALS = 40;
const EPOCHS = 5;
const TRIAL_MILLISECONDS = 2500;
const WORKERS = 4;

const admin = await connectRedis(url);
async function calls() {
  const text = await admin.info('commandstats');
  let total = 0;
  for (const match of text.matchAll(/cmdstat_([\w|]+):calls=(\d+)/g))
    if (match[1] !== 'info') total += Number(match[2]);
  return total;
}

const tasks = Array.from({ length: TRIALS }, (_, index) => ({ name: `t${index}`, payload: {} }));
const names = tasks.map((task) => task.name);
const executor = new QueueExecutor({ url, sweep: { id: `count-${Date.now()}`, project: 'p' } });

let before = await calls();
await executor.enqueue(tasks);
const enqueue = (await calls()) - before;

const workers = Array.from(
  { length: WORKERS },
  () =>
    new QueueWorker({
      url,
      run: async (trial, { progress }) => {
        for (let epoch = 0; epoch < EPOCHS; epoch++) {
          await sleep(TRIAL_MILLISECONDS / EPOCHS);
          progress({ epoch, epochs: EPOCHS, metrics: { loss: 1 } });
        }
        return { trial: trial.task.name, status: 'completed', runDir: null, error: null };
      },
    }),
);
before = await calls();
const started = Date.now();
const running = workers.map((worker) => worker.start());
// Check for the end rarely, and subtract what the checks cost.
let checks = 0;
for (;;) {
  await sleep(5000);
  const at = await calls();
  const states = await executor.status(names);
  checks += (await calls()) - at;
  if (states.every((state) => state.state === 'completed')) break;
}
const seconds = (Date.now() - started) / 1000;
const working = (await calls()) - before - checks;

before = await calls();
await sleep(10_000);
const idle = (await calls()) - before;

before = await calls();
await executor.status(names);
const poll = (await calls()) - before;

await Promise.all(workers.map((worker) => worker.stop()));
await Promise.all(running);
admin.disconnect();

const per = (value) => (value / TRIALS).toFixed(1);
console.log(`enqueue: ${per(enqueue)} commands per trial`);
console.log(
  `${WORKERS} workers, ${TRIALS} trials of ${TRIAL_MILLISECONDS} ms with ${EPOCHS} progress reports, ${seconds.toFixed(0)} s: ${per(working)} commands per trial (idle time included)`,
);
console.log(`idle workers: ${(idle / WORKERS / 10).toFixed(1)} commands per worker per second`);
console.log(`one coordinator poll: ${per(poll)} commands per open trial`);
