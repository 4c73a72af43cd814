import type { FlagSpec } from './args.js';
import type { Command, CommandInfo } from './command.js';
import { GLOBAL_FLAGS } from './global-flags.js';

/** Help is laid out for this many columns when the output is not a terminal. */
export const HELP_WIDTH = 80;

/**
 * Two columns, `left` then `right` wrapped at word boundaries to fit `width`; a left cell too
 * wide for its column (at most `maxLeft`) puts its right cell on the lines below.
 */
function twoColumns(
  rows: readonly (readonly [string, string])[],
  width: number,
  maxLeft: number,
): string[] {
  const leftWidth = Math.min(maxLeft, Math.max(...rows.map(([left]) => left.length)));
  const indent = 2 + leftWidth + 2;
  const lines: string[] = [];
  for (const [left, right] of rows) {
    const wrapped = wrapWords(right, Math.max(20, width - indent));
    if (left.length > leftWidth) lines.push(`  ${left}`);
    else lines.push(`  ${left.padEnd(leftWidth)}  ${wrapped.shift() ?? ''}`.trimEnd());
    for (const line of wrapped) lines.push(' '.repeat(indent) + line);
  }
  return lines;
}

/**
 * `text` as lines of at most `width` characters, broken at spaces (a longer word stands alone);
 * `words` says what may not be broken (by default, runs of non-space).
 */
function wrapWords(text: string, width: number, words = /\S+/g): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.match(words) ?? []) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

function flagLines(flags: readonly FlagSpec[], width: number): string[] {
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
    return [left, flag.description + fallback] as const;
  });
  return twoColumns(cells, width, 34);
}

/** The words that name a command: its usage up to the first argument (`train`, `plugin new`). */
function commandName(command: CommandInfo): string {
  return command.usage
    .split(' ')
    .filter((word, index) => index === 0 || /^[a-z][a-z-]*$/.test(word))
    .join(' ');
}

/** `ch --help`, fitted to `width` columns. */
export function globalHelp(
  commands: readonly CommandInfo[],
  version: string,
  width = HELP_WIDTH,
): string {
  return [
    `ch: train, test and compare small neural networks (Machop.ts ${version})`,
    '',
    'Usage: ch <command> [flags]',
    '',
    'Commands:',
    ...twoColumns(
      commands.map((command) => [commandName(command), command.summary] as const),
      width,
      16,
    ),
    '',
    'Global flags:',
    ...flagLines(
      [
        ...GLOBAL_FLAGS,
        { name: 'version', short: 'V', type: 'boolean', description: 'print the version' },
      ],
      width,
    ),
    '',
    'Examples:',
    '  ch train jsc-tiny jsc --max-epochs 10 --batch-size 256 --project lab1',
    '  ch test jsc-tiny jsc --load machop_output/lab1/<run-id>',
    '  ch predict --load machop_output/lab1/<run-id> --data jets.csv > out.csv',
    '  ch list models --plugin ./my-plugin.mjs',
    '  ch info jsc-tiny',
    '',
    'Run "ch <command> --help" for the flags of a command.',
    '',
  ].join('\n');
}

/**
 * `ch <command> --help`, fitted to `width` columns, with the options of models and data sets when
 * the command takes them.
 */
export function commandHelp(
  command: Command,
  entryFlags: readonly FlagSpec[],
  width = HELP_WIDTH,
): string {
  return [
    // A usage line breaks between its parts, never inside a bracketed one (`[--project P]`).
    ...wrapWords(`Usage: ch ${command.usage}`, width, /\[[^\]]*\](?:\.\.\.)?|\S+/g).map(
      (line, index) => (index === 0 ? line : `         ${line}`),
    ),
    '',
    ...wrapWords(command.summary, width),
    ...(command.details
      ? command.details
          .split(/\n\s*\n/)
          .flatMap((paragraph) => ['', ...wrapWords(paragraph, width)])
      : []),
    ...(command.flags.length > 0 ? ['', 'Flags:', ...flagLines(command.flags, width)] : []),
    ...(entryFlags.length > 0
      ? ['', 'Model and data set options:', ...flagLines(entryFlags, width)]
      : []),
    '',
    'Global flags:',
    ...flagLines(GLOBAL_FLAGS, width),
    '',
  ].join('\n');
}
