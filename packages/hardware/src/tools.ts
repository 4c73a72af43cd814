import { spawn } from 'node:child_process';

/** A hardware tool that is not installed: the message names the Debian package to install. */
export class ToolMissingError extends Error {
  override name = 'ToolMissingError';
  constructor(
    readonly tool: string,
    readonly debianPackage: string,
  ) {
    super(
      `${tool} is not installed (not found on PATH); install Debian's ${debianPackage} package: sudo apt-get install ${debianPackage}`,
    );
  }
}

/** A tool that ran and failed; `output` holds the end of what it printed. */
export class ToolFailedError extends Error {
  override name = 'ToolFailedError';
  constructor(
    readonly tool: string,
    readonly output: string,
  ) {
    super(`${tool} failed: ${output.trim().split('\n').slice(-3).join(' | ')}`);
  }
}

/** The Debian package of each tool this package runs. */
export const DEBIAN_PACKAGES: Record<string, string> = {
  iverilog: 'iverilog',
  vvp: 'iverilog',
  verilator: 'verilator',
  yosys: 'yosys',
};

/**
 * Run `command args` in `cwd` and resolve with its output; reject with {@link ToolMissingError}
 * when it is not installed and {@link ToolFailedError} when it exits non-zero.
 */
export function runTool(
  command: string,
  args: readonly string[],
  cwd: string,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error: NodeJS.ErrnoException) => {
      const tool = command.split('/').pop()!;
      reject(
        error.code === 'ENOENT' ? new ToolMissingError(tool, DEBIAN_PACKAGES[tool] ?? tool) : error,
      );
    });
    child.on('close', (code) => {
      if (code === 0) resolve({ stdout, stderr });
      else reject(new ToolFailedError(command, `${stdout}\n${stderr}`));
    });
  });
}
