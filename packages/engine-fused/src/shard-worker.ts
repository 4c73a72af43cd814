// Thread 1 of a two-thread fused engine: a copy of the engine that trains on the later rows of
// each batch and meets thread 0 in the step's exchanges (see FusedEngine's `threads`). It runs
// commands until told to stop; it never returns to its event loop in between, so everything it
// receives comes through the shared link or, synchronously, from its port.
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { BackendError, setStepSeed } from '@machop/core';
import { FusedEngine, type FusedEngineOptions } from './fused-engine.js';
import {
  Command,
  Header,
  rowViews,
  type PartnerData,
  type PartnerMessage,
  type SharedRows,
} from './partner.js';
import { ShardLink } from './shard-link.js';

const data = workerData as PartnerData;
const link = new ShardLink(data.link, 1, data.capacity);
const options = data.options as FusedEngineOptions;

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function nextMessage(): PartnerMessage {
  // Posted before the command was sent; the port's queue has it already, or within moments.
  for (let tries = 0; tries < 10_000; tries++) {
    const received = receiveMessageOnPort(data.port);
    if (received) return received.message as PartnerMessage;
    Atomics.wait(sleeper, 0, 0, 1);
  }
  throw new BackendError('the fused engine sent its second thread a message that never came');
}

try {
  const engine = new FusedEngine(options, link);
  let rows: SharedRows | undefined;
  let views = rows && rowViews(rows, options.features, options.classes);
  for (;;) {
    link.receive();
    const header = link.header;
    if (header[Header.Message]) {
      const message = nextMessage();
      if (message.rows) {
        rows = message.rows;
        views = rowViews(rows, options.features, options.classes);
      }
      if (message.weights) engine.setWeights(message.weights, 'thread 0');
      if (message.optimizer) engine.setOptimizerState(message.optimizer, 'thread 0');
    }
    const command = header[Header.Command];
    if (command === Command.Stop) break;
    if (!views) throw new BackendError('the fused engine gave its second thread no rows');
    if (command === Command.Step) {
      setStepSeed(header[Header.StepSeed]);
      engine.learningRate = header[Header.LearningRate];
      engine.trainWorkerLane(
        views.x,
        views.y,
        header[Header.Rows],
        header[Header.BatchRows],
        header[Header.RowOffset],
      );
    } else if (command === Command.Evaluate) {
      engine.evaluateWorkerChunks(
        views.x,
        views.logits,
        header[Header.Rows],
        header[Header.ChunkRows],
        header[Header.Chunks],
        header[Header.Generation],
      );
    }
    link.acknowledge();
  }
  data.port.close();
} catch (error) {
  link.fail(error);
  throw error;
}
