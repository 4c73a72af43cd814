// Which runs the page selects on a first visit (a link without `runs=`).
import type { RunView } from '../api-types';

/** Runs selected on a first visit when the newest run is not a sweep trial. */
const FIRST_SELECTED = 5;
/** At most this many trials of the latest sweep are selected at once. */
const SWEEP_SELECTED = 20;

/**
 * What a first visit draws: when the newest run is a sweep trial, that sweep (the study just
 * run, up to {@link SWEEP_SELECTED} trials); otherwise the first runs as the list shows them
 * (`listed`, in its order), so that what is drawn is what a person sees ticked at the top.
 */
export function firstSelection(listed: readonly RunView[]): string[] {
  if (listed.length === 0) return [];
  const newest = listed.reduce((best, run) => (run.createdAt > best.createdAt ? run : best));
  if (newest.sweep) {
    const sweep = newest.sweep.id;
    return listed
      .filter((run) => run.project === newest.project && run.sweep?.id === sweep)
      .slice(0, SWEEP_SELECTED)
      .map((run) => run.id);
  }
  return listed.slice(0, FIRST_SELECTED).map((run) => run.id);
}
