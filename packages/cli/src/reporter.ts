import type { Reporter } from '@machop/core/base';
import type { Io } from './io.js';
import { fit, lineWidth } from './progress.js';

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

/**
 * A reporter writing to stderr: info lines as they come, and progress as a bar redrawn in place
 * on a terminal, or a line per quarter when stderr is a file or pipe. Silent when `quiet`.
 */
export function stderrReporter(io: Io, quiet = false): Reporter {
  const tty = Boolean(io.stderr.isTTY);
  let lastTask = '';
  let lastQuarter = -1;
  let open = false;
  const endLine = () => {
    if (open) io.stderr.write('\n');
    open = false;
  };
  return {
    info(message) {
      if (quiet) return;
      endLine();
      io.stderr.write(`${message}\n`);
    },
    progress(task, done, total) {
      if (quiet) return;
      const fraction = total ? Math.min(1, done / total) : undefined;
      const amount = total ? `${formatBytes(done)} / ${formatBytes(total)}` : formatBytes(done);
      if (tty) {
        const line =
          fraction === undefined
            ? fit([task, amount], lineWidth(io))
            : fit(
                [task, '', `${(fraction * 100).toFixed(0).padStart(3)}%`, amount],
                lineWidth(io),
                {
                  index: 1,
                  render: (size) =>
                    `[${'#'.repeat(Math.round(fraction * size)).padEnd(size, '.')}]`,
                },
              );
        io.stderr.write(`\r${line}\u001b[K`);
        open = true;
        if (fraction === 1) endLine();
        return;
      }
      const quarter = fraction === undefined ? -1 : Math.floor(fraction * 4);
      if (task !== lastTask || quarter > lastQuarter) {
        io.stderr.write(
          `${task} ${fraction === undefined ? '' : `${(fraction * 100).toFixed(0)}% `}${amount}\n`,
        );
        lastTask = task;
        lastQuarter = quarter;
      }
    },
  };
}
