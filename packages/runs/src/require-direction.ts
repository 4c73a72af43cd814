import { ConfigError } from '@machop/core/base';
import { metricDirection, unknownDirection, type Direction } from './direction.js';

/**
 * The direction the metric `name` declares; for a metric that declares none, a
 * {@link ConfigError} whose one line ends with `fix` (what to pass instead), so a caller never
 * guesses which way is better.
 *
 * @example
 * requireDirection(monitor, 'give its direction with --mode max|min');
 */
export function requireDirection(name: string, fix: string): Direction {
  const direction = metricDirection(name);
  if (direction === undefined) throw new ConfigError(unknownDirection(name, fix));
  return direction;
}
