/**
 * Typed errors shared by every Machop.ts package.
 *
 * Every error a user can cause carries a stable `code` (for scripts and tests) and a message
 * that fits on one line: what is wrong, where, and how to fix it. The CLI prints
 * `error: <message>` and exits non-zero; a stack trace is only shown under `--debug`.
 */

/** Stable machine-readable error codes. New codes may be added; existing ones never change. */
export type MachopErrorCode =
  | 'E_CONFIG'
  | 'E_USAGE'
  | 'E_PLUGIN'
  | 'E_REGISTRY_DUPLICATE'
  | 'E_REGISTRY_UNKNOWN'
  | 'E_DATASET'
  | 'E_SCALER_MISMATCH'
  | 'E_DOWNLOAD'
  | 'E_CHECKSUM'
  | 'E_MODEL'
  | 'E_CHECKPOINT'
  | 'E_BACKEND'
  | 'E_IO'
  | 'E_LOCKED'
  | 'E_DIVERGED'
  | (string & {});

/** Options accepted by every {@link MachopError} constructor. */
export interface MachopErrorOptions {
  /** The underlying error, kept for `--debug` output. */
  cause?: unknown;
}

// A brand on the global symbol registry, so an error thrown by the CJS copy of this package is
// still recognised by the ESM copy (where `instanceof` would say no).
const BRAND = Symbol.for('machop.error.v1');

/** Base class of every error Machop.ts raises on purpose. */
export class MachopError extends Error {
  /** A stable code such as `E_DATASET`; safe to match on. */
  readonly code: MachopErrorCode;

  constructor(code: MachopErrorCode, message: string, options: MachopErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** A configuration value, flag or config file is invalid. */
export class ConfigError extends MachopError {
  constructor(message: string, options?: MachopErrorOptions) {
    super('E_CONFIG', message, options);
  }
}

/** A plugin could not be found, loaded or set up. */
export class PluginError extends MachopError {
  constructor(message: string, options?: MachopErrorOptions) {
    super('E_PLUGIN', message, options);
  }
}

/** A registry lookup or registration failed (unknown or duplicate name). */
export class RegistryError extends MachopError {}

/** A data set could not be read, downloaded, verified or parsed. */
export class DatasetError extends MachopError {
  constructor(message: string, options?: MachopErrorOptions & { code?: MachopErrorCode }) {
    super(options?.code ?? 'E_DATASET', message, options);
  }
}

/** A model could not be built or does not fit the data. */
export class ModelError extends MachopError {
  constructor(message: string, options?: MachopErrorOptions) {
    super('E_MODEL', message, options);
  }
}

/** A checkpoint is missing, corrupt or belongs to another model or data shape. */
export class CheckpointError extends MachopError {
  constructor(message: string, options?: MachopErrorOptions) {
    super('E_CHECKPOINT', message, options);
  }
}

/** No requested compute backend could be started. */
export class BackendError extends MachopError {
  constructor(message: string, options?: MachopErrorOptions) {
    super('E_BACKEND', message, options);
  }
}

// What to do about the errors a file system gives; the rest get a generic hint.
const IO_ADVICE: Record<string, string> = {
  ENOSPC: 'the disk is full: free some space',
  EDQUOT: 'the disk quota is used up: free some space or raise the quota',
  EROFS: 'the file system is read-only: choose a writable folder',
  EACCES: 'permission denied: choose a folder you can write to, or fix its permissions',
  EPERM: 'operation not permitted: choose a folder you can write to, or fix its permissions',
  ENOENT: 'no such file or folder: check the path',
  ENOTDIR: 'a part of the path is a file, not a folder: check the path',
  EISDIR: 'it is a folder, not a file: check the path',
  EMFILE: 'too many open files: close other programs or raise the limit (ulimit -n)',
  EIO: 'the disk reported an I/O error: check the device',
};

/** A file or folder could not be read or written. `errno` is the system's code (`ENOSPC`, ...). */
export class IoError extends MachopError {
  /** The system error code, such as `ENOSPC`, when there was one. */
  readonly errno: string | undefined;

  constructor(message: string, options?: MachopErrorOptions & { errno?: string }) {
    super('E_IO', message, options);
    this.errno = options?.errno;
  }

  /**
   * Describe a failed file-system call in one line: what failed, on which path, why, and what to
   * do. `then` is advice for afterwards, such as how to resume the run.
   *
   * @example
   * throw IoError.from(error, 'write checkpoint', dir, 'then resume the run with ch train --resume RUN');
   */
  static from(error: unknown, action: string, file: string, then?: string): IoError {
    const errno = (error as NodeJS.ErrnoException | undefined)?.code;
    const advice =
      (errno !== undefined ? IO_ADVICE[errno] : undefined) ??
      (error instanceof Error ? error.message : String(error));
    const code = errno !== undefined && IO_ADVICE[errno] ? ` (${errno})` : '';
    return new IoError(
      `cannot ${action} ${file}: ${advice}${code}${then === undefined ? '' : `; ${then}`}`,
      { cause: error, errno },
    );
  }
}

/** Another process owns a run folder (it holds the run's lock). */
export class LockError extends MachopError {
  constructor(message: string, options?: MachopErrorOptions) {
    super('E_LOCKED', message, options);
  }
}

/**
 * True for errors raised on purpose by Machop.ts (as opposed to bugs), whichever copy of this
 * package (ESM, CJS, or another version in node_modules) created them.
 */
export function isMachopError(error: unknown): error is MachopError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[BRAND] === true
  );
}
