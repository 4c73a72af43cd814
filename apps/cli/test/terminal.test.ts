import { execFileSync, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJscProject, type JscProject } from './jsc-project.js';
import { CH } from './run-ch.js';

// `ch train` in a real pseudo-terminal (util-linux `script`), as a person sees it.
let project: JscProject;
const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

beforeAll(async () => {
  project = await startJscProject('machop-terminal-', 3000);
});
afterAll(() => project.close());

/** Everything the terminal received while `ch` ran in a pty of `columns` columns. */
function inTerminal(columns: number, args: readonly string[]): Promise<string> {
  const command = [process.execPath, CH, ...args].map((word) => `'${word}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(
      'script',
      ['-qfec', `stty cols ${columns} rows 40; ${command}`, '/dev/null'],
      {
        cwd: project.dir,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          TERM: 'xterm',
          ...project.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(output))));
  });
}

/** What a terminal of that width shows on each line: text between carriage returns and newlines, escapes removed. */
function screenLines(output: string): string[] {
  return (
    output
      // Terminal escapes (erase line, colours) take no columns.
      // eslint-disable-next-line no-control-regex
      .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '')
      .split(/\r\n|\r|\n/)
      .filter((line) => line.length > 0)
  );
}

describe.skipIf(!hasScript)('ch train in a terminal', () => {
  for (const columns of [80, 160]) {
    it(`never writes a line wider than ${columns} columns, and redraws the bar in place`, async () => {
      const output = await inTerminal(columns, [
        'train',
        'jsc-tiny',
        'jsc',
        '--max-epochs',
        '2',
        '--batch-size',
        '8',
        '--project',
        `cols${columns}`,
      ]);
      const lines = screenLines(output);
      // Progress (the download bar, the epoch bars and epoch lines) fits; log lines such as a
      // long URL may wrap, as any program's do.
      const progress = lines.filter((line) => /^(download|epoch) /.test(line));
      expect(progress.length).toBeGreaterThan(4);
      expect(progress.filter((line) => line.length >= columns)).toEqual([]);
      // The bar is redrawn with a carriage return, never by scrolling: each epoch ends in one line.
      expect(output).toMatch(/\repoch 1\/2 \[[#.]+\] +\d+\/\d+ /);
      // The finished line follows the epoch with its metrics, the bar with `[`: both say "epoch".
      expect(lines.filter((line) => /^epoch [12]\/2 +[a-z]/.test(line))).toHaveLength(2);
      // The epoch's running loss and accuracy, and the whole run's ETA when there is room.
      expect(output).toMatch(/loss \d\.\d{4} acc \d\.\d{4}/);
      if (columns >= 160) expect(output).toMatch(/run ETA \d\d:\d\d/);
    });
  }
});

describe.skipIf(!hasScript)('ch list and help in a terminal', () => {
  it('wraps help to the terminal, and to 80 columns into a pipe', async () => {
    for (const args of [['--help'], ['train', '--help'], ['runs', '--help']]) {
      const lines = screenLines(await inTerminal(100, args));
      expect(lines.some((line) => line.length > 80)).toBe(true);
      expect(lines.filter((line) => line.length >= 100)).toEqual([]);
      const piped = execFileSync(process.execPath, [CH, ...args], { cwd: project.dir }).toString();
      expect(piped.split('\n').filter((line) => line.length > 80)).toEqual([]);
    }
  });

  it('fits 80 columns, cutting descriptions, and keeps them whole into a pipe', async () => {
    const lines = screenLines(await inTerminal(80, ['list']));
    expect(lines.find((line) => line.startsWith('jsc-tiny '))).toMatch(/@machop\/models +MASE/);
    expect(lines.some((line) => line.endsWith('…'))).toBe(true);
    expect(lines.filter((line) => line.length >= 80)).toEqual([]);
    // Not a terminal: whole lines, for grep.
    const piped = execFileSync(process.execPath, [CH, 'list', 'models'], {
      cwd: project.dir,
    }).toString();
    expect(piped).toMatch(/ends in ReLU like MASE \(logits clipped at 0\)\n/);
  });
});
