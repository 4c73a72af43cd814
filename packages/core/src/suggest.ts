/** Edit distance between two strings (Levenshtein, case-insensitive). */
function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The known names closest to `name`, best first: names that contain it or are within a few
 * edits of it. Used to turn "unknown name" errors into "did you mean" hints.
 */
export function closestNames(name: string, known: readonly string[], limit = 3): string[] {
  const threshold = Math.max(2, Math.ceil(name.length / 3));
  const lower = name.toLowerCase();
  return known
    .map((candidate) => {
      const other = candidate.toLowerCase();
      const contains = other.includes(lower) || lower.includes(other);
      return { candidate, score: distance(name, candidate), contains };
    })
    .filter(({ score, contains }) => score <= threshold || contains)
    .sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate))
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}

/**
 * One message for an unknown name: `what`, then `: did you mean A, B?` when some known names are
 * close (each shown by `show`), then ` (next)`. Never a dangling colon when nothing is close.
 *
 * @example
 * unknownName('unknown flag --frobnicate', closestNames('frobnicate', flags), 'run "ch train --help"', (n) => `--${n}`);
 */
export function unknownName(
  what: string,
  close: readonly string[],
  next: string,
  show: (name: string) => string = (name) => `"${name}"`,
): string {
  const hint = close.length > 0 ? `: did you mean ${close.map(show).join(', ')}?` : '';
  return `${what}${hint} (${next})`;
}
