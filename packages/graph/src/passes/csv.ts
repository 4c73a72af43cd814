/**
 * CSV text as pandas' `DataFrame.to_csv` writes it (MASE writes its summaries that way): the index
 * as an unnamed first column unless `index` is false, booleans as `True`/`False`, a field quoted
 * only when it holds a comma, quote or line break.
 */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number | boolean)[])[],
  options: { index?: boolean } = {},
): string {
  const withIndex = options.index !== false;
  const lines: (string | number | boolean)[][] = [withIndex ? ['', ...header] : [...header]];
  rows.forEach((row, position) => lines.push(withIndex ? [position, ...row] : [...row]));
  return lines.map((line) => line.map(field).join(',')).join('\n') + '\n';
}

function field(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
