import { isMachopError } from '@machop/core';
import { expect } from 'vitest';

/** The code and one-line message of the Machop.ts error `run` rejects with; fails if it resolves. */
export async function failure(run: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await run;
  } catch (error) {
    expect(isMachopError(error)).toBe(true);
    expect((error as Error).message).not.toContain('\n');
    return { code: (error as { code: string }).code, message: (error as Error).message };
  }
  throw new Error('expected an error');
}

/** The message of the Machop.ts error `run` rejects with. */
export async function failureMessage(run: Promise<unknown>): Promise<string> {
  return (await failure(run)).message;
}
