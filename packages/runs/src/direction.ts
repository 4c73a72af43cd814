/** Which way a metric improves: `min` when lower is better (a loss), `max` when higher is. */
export type Direction = 'min' | 'max';

// Each metric a run logs declares which way is better, as torchmetrics' `higher_is_better` does,
// so no reader guesses it from the name. A logged name is `<split>_<metric>_<step|epoch>`
// (`val_acc_epoch`); the metric in the middle decides. The learning rate (`lr`) has no direction.
const DIRECTIONS: Readonly<Record<string, Direction>> = {
  loss: 'min',
  acc: 'max',
  accuracy: 'max',
  top_k_acc: 'max',
  precision: 'max',
  recall: 'max',
  f1: 'max',
  auc: 'max',
};

const SPLIT = /^(train|val|validation|test)_/;
const PERIOD = /_(step|epoch)$/;

/**
 * The direction the metric logged as `name` declares (`val_acc_epoch` is `max`,
 * `train_loss_step` is `min`), or undefined for a metric that declares none (`lr`, or a name
 * no metric logs). Readers that must rank an unknown metric ask the user, never guess.
 *
 * @example
 * metricDirection('val_loss_epoch'); // 'min'
 */
export function metricDirection(name: string): Direction | undefined {
  return DIRECTIONS[name.replace(SPLIT, '').replace(PERIOD, '')];
}

/**
 * The one line that says a metric's direction is unknown, ending with `fix`: what the user can
 * do, naming the flag that gives the direction (`give its direction with --mode max|min`).
 */
export function unknownDirection(name: string, fix: string): string {
  return `metric "${name}" does not declare whether higher or lower is better; ${fix}`;
}
