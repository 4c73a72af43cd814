import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Io } from './io.js';
import { ProgressDisplay } from './progress.js';

/** An Io whose stderr is a terminal 100 columns wide, collecting what is written. */
function terminalIo(): { io: Io; output: () => string } {
  const stderr = Object.assign(new PassThrough(), { isTTY: true, columns: 100 });
  let text = '';
  stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const io = { stdout: new PassThrough(), stderr, env: {}, cwd: process.cwd() } as unknown as Io;
  return { io, output: () => text };
}

describe('ProgressDisplay', () => {
  it('names the epoch alike on the live bar and the finished line', () => {
    const { io, output } = terminalIo();
    const display = new ProgressDisplay(io);
    display.epochStart();
    display.step({ epoch: 0, maxEpochs: 2, batch: 4, batches: 4, samplesPerSecond: 1000 });
    display.epochEnd({
      epoch: 0,
      maxEpochs: 2,
      metrics: { val_acc_epoch: 0.5 },
      seconds: 1,
      samplesPerSecond: 1000,
    });
    expect(output()).toMatch(/\repoch 1\/2 \[#+\]/);
    expect(output()).toMatch(/epoch 1\/2 {2}val_acc_epoch/);
    expect(output()).not.toMatch(/Epoch/);
  });
});
