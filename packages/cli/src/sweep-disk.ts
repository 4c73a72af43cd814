import { open, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { IoError } from '@machop/core/base';
import type { TrialError } from '@machop/sweep';

/** System codes that mean there is no room to write: more trials would fail the same way. */
const NO_ROOM = ['ENOSPC', 'EDQUOT'];

/** Whether an error (thrown here, or a trial's as it crossed processes) says the disk is full. */
export function isNoRoom(error: unknown): boolean {
  const errno = (error as { errno?: unknown; code?: unknown }) ?? {};
  if (NO_ROOM.includes(String(errno.errno)) || NO_ROOM.includes(String(errno.code))) return true;
  const message = (error as TrialError | Error | undefined)?.message ?? '';
  return NO_ROOM.some((code) => message.includes(`(${code})`));
}

/**
 * Room kept for the sweep's own last words. A sweep that fills the disk must still save a
 * sweep.json that says where every trial stands (a rename over the old file needs room for the
 * new one), so it holds a file of zeros beside sweep.json from its start, and gives that room
 * back just before the last save on a full disk.
 */
export class DiskReserve {
  readonly file: string;

  constructor(dir: string) {
    this.file = path.join(dir, 'sweep.json.reserve');
  }

  /** Hold twice the room sweep.json takes now (at least 64 KiB). Best effort: a full disk holds less. */
  async hold(): Promise<void> {
    const size = await stat(path.join(path.dirname(this.file), 'sweep.json'))
      .then((info) => info.size)
      .catch(() => 0);
    const handle = await open(this.file, 'w').catch(() => undefined);
    if (!handle) return;
    try {
      await handle.write(Buffer.alloc(Math.max(64 * 1024, 2 * size)));
    } catch {
      // Whatever part of it was written is still room held.
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  /** Give the room back (the file is the sweep's own: nothing else is ever removed). */
  release(): Promise<void> {
    return rm(this.file, { force: true });
  }
}

/** The one line a sweep ends with when the disk filled up under it. */
export function noRoomError(projectDir: string, finished: number, total: number): IoError {
  return new IoError(
    `the disk under ${projectDir} is full (ENOSPC): ${finished} of ${total} trials finished and the others were stopped; free some space, then run the same command again to continue the sweep`,
    { errno: 'ENOSPC' },
  );
}
