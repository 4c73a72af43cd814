// The `ch` commands of a markdown page, read from its code blocks, and the files those blocks
// define, so that a test runs exactly what the page shows.

/** A file a page defines: a code block whose first line is a comment naming it. */
export interface DocFile {
  name: string;
  text: string;
}

/** The `npx ch ...` lines of a page, as argument lists, and the files its code blocks define. */
export interface DocCommands {
  commands: { line: string; args: string[] }[];
  files: DocFile[];
}

/** Split a command line as the shell does for plain words and single or double quotes. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g))
    words.push(match[1] ?? match[2] ?? match[3]);
  return words;
}

/**
 * Every `npx ch` command in `markdown`'s code blocks (in `npm ci && npx ch ...`, the `ch` part),
 * without trailing `# comments`, and every block that starts with a comment naming a file
 * (`// my-plugin.mjs: ...` or `# study.toml`).
 */
export function docCommands(markdown: string): DocCommands {
  const commands: DocCommands['commands'] = [];
  const files: DocFile[] = [];
  for (const [, body] of markdown.matchAll(/^```\w*\n([\s\S]*?)^```$/gm)) {
    const named = /^(?:\/\/|#)\s*([\w.-]+\.(?:mjs|js|json|toml|yaml))\b/.exec(body);
    if (named) files.push({ name: named[1], text: body });
    for (const line of body.split('\n')) {
      const start = line.indexOf('npx ch ');
      if (start === -1) continue;
      const command = line.slice(start).replace(/\s+#.*$/, '');
      commands.push({ line: command, args: shellWords(command).slice(2) });
    }
  }
  return { commands, files };
}

/**
 * A command scaled down to run in seconds on test data, keeping what it shows: the first two
 * values of each swept list or range. Seeds are kept: a point's mean over them is what a table
 * shows, and one seed of jsc-tiny can lose classes.
 */
export function scaleDown(args: readonly string[]): string[] {
  const scaled: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const flag = args[index];
    const value = args[index + 1];
    if (flag === '--grid') {
      const [key, values] = value.split('=');
      const range = values.split(':');
      scaled.push(
        flag,
        range.length === 4
          ? `${key}=${range.slice(0, 3).join(':')}:2`
          : `${key}=${values.split(',').slice(0, 2).join(',')}`,
      );
    } else {
      scaled.push(flag);
      continue;
    }
    index += 1;
  }
  return scaled;
}
