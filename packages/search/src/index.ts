/**
 * @machop/search: searches over a trained model's precisions and widths, as MASE's Labs 3 and 4
 * do: seeded strategies behind core's `Strategy` contract, and Pareto fronts over several
 * metrics. It does not load tfjs.
 *
 * @packageDocumentation
 */
export { dominates, nonDominatedFronts, paretoSet, type ObjectiveValues } from './pareto.js';
