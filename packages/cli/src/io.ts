/** Where a command reads its environment and writes its output. The `ch` binary passes the process's. */
export interface Io {
  /** Data: tables, JSON. */
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Progress, logs and errors. */
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The current process's streams, environment and working folder. */
export function processIo(): Io {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}

/** ANSI styling that switches itself off when `NO_COLOR` is set or the stream is not a terminal. */
export interface Style {
  bold(text: string): string;
}

export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Style {
  const on = Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  const wrap = (open: number, close: number) => (text: string) =>
    on ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return { bold: wrap(1, 22) };
}
