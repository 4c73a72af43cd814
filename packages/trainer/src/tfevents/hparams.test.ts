import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  encodeSessionEndSummary,
  encodeSessionStartSummary,
  type SessionStatus,
} from './hparams.js';

// Made by fixtures/make_hparams_fixture.py with TensorBoard's own hparams summary code.
const fixture = JSON.parse(
  await readFile(path.resolve(import.meta.dirname, '../../fixtures/hparams-fixture.json'), 'utf8'),
) as {
  start: {
    hparams: Record<string, string | number | boolean>;
    group: string;
    startTime: number;
    summary: string;
  };
  end: { status: SessionStatus; endTime: number; summary: string };
};
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('HParams summaries', () => {
  it("encodes the session start exactly as TensorBoard's own writer does", () => {
    const { hparams, group, startTime, summary } = fixture.start;
    expect(hex(encodeSessionStartSummary({ hparams, group, startTime }))).toBe(summary);
  });

  it("encodes the session end exactly as TensorBoard's own writer does", () => {
    const { status, endTime, summary } = fixture.end;
    expect(hex(encodeSessionEndSummary({ status, endTime }))).toBe(summary);
  });

  it('writes hyperparameters sorted by name, whatever order they come in', () => {
    const { hparams, group, startTime } = fixture.start;
    const reversed = Object.fromEntries(Object.entries(hparams).reverse());
    expect(hex(encodeSessionStartSummary({ hparams: reversed, group, startTime }))).toBe(
      fixture.start.summary,
    );
  });
});
