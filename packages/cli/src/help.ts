import type { FlagSpec } from './args.js';
import type { Command } from './command.js';
import { GLOBAL_FLAGS } from './flags.js';

function flagLines(flags: readonly FlagSpec[]): string[] {
  const cells = flags.map((flag) => {
    const value =
      flag.type === 'boolean'
        ? ''
        : ` ${flag.value ?? (flag.choices ? flag.choices.join('|') : flag.type === 'integer' || flag.type === 'number' ? 'N' : 'VALUE')}`;
    const left = `${flag.short ? `-${flag.short}, ` : ''}--${flag.name}${value}`;
    const fallback =
      flag.default !== undefined && flag.type !== 'boolean'
        ? ` (default ${String(flag.default)})`
        : '';
    return [left, flag.description + fallback];
  });
  const width = Math.min(34, Math.max(...cells.map(([left]) => left.length)));
  return cells.map(([left, right]) =>
    left.length > width
      ? `  ${left}\n  ${''.padEnd(width)}  ${right}`
      : `  ${left.padEnd(width)}  ${right}`,
  );
}

/** `ch --help`. */
export function globalHelp(commands: readonly Command[], version: string): string {
  const width = Math.max(...commands.map((command) => command.usage.length));
  return [
    `ch: train, test and compare small neural networks (Machop.ts ${version})`,
    '',
    'Usage: ch <command> [flags]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.usage.padEnd(width)}  ${command.summary}`),
    '',
    'Global flags:',
    ...flagLines([
      ...GLOBAL_FLAGS,
      { name: 'version', short: 'V', type: 'boolean', description: 'print the version' },
    ]),
    '',
    'Examples:',
    '  ch train jsc-tiny jsc --max-epochs 10 --batch-size 256 --project lab1',
    '  ch test jsc-tiny jsc --load machop_output/lab1/<run-id>',
    '  ch list models --plugin ./my-plugin.mjs',
    '  ch info jsc-tiny',
    '',
    'Run "ch <command> --help" for the flags of a command.',
    '',
  ].join('\n');
}

/** `ch <command> --help`, with the options of models and data sets when the command takes them. */
export function commandHelp(command: Command, entryFlags: readonly FlagSpec[]): string {
  return [
    `Usage: ch ${command.usage}`,
    '',
    command.summary,
    ...(command.details ? ['', command.details] : []),
    ...(command.flags.length > 0 ? ['', 'Flags:', ...flagLines(command.flags)] : []),
    ...(entryFlags.length > 0 ? ['', 'Model and data set options:', ...flagLines(entryFlags)] : []),
    '',
    'Global flags:',
    ...flagLines(GLOBAL_FLAGS),
    '',
  ].join('\n');
}
