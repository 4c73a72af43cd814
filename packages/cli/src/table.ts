/** Options of {@link formatTable}. */
export interface TableOptions {
  align?: readonly ('left' | 'right')[];
  /**
   * The widest a line may be (a terminal's columns). A longer line has its last column cut to
   * fit, ending in `…`; the other columns stay whole. Unset: no limit (output to a pipe or file).
   */
  width?: number;
}

/** Render rows as a plain text table with a header, columns padded to their widest cell. */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const last = header.length - 1;
  // Room left for the last column once the others and their two-space gaps are laid out.
  const room =
    options.width === undefined
      ? Infinity
      : options.width - widths.slice(0, last).reduce((sum, width) => sum + width + 2, 0);
  widths[last] = Math.min(widths[last], Math.max(room, header[last].length));
  const cut = (cell: string) =>
    cell.length <= room ? cell : cell.slice(0, Math.max(0, room - 1)).trimEnd() + '…';
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => {
        if (column === last) cell = cut(cell);
        return options.align?.[column] === 'right'
          ? cell.padStart(widths[column])
          : cell.padEnd(widths[column]);
      })
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
