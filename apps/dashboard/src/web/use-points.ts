// The points the chart draws: the shown metric of the selected runs, fetched once and then
// followed as the server reports appended lines.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { XAxis } from '@machop/runs/curves';
import { follow } from './api';
import type { DrawGate } from './draw-gate';
import type { FirstLoad } from './first-load';

/**
 * Keep the store's points of `metric` for the `selected` runs up to date; the number returned
 * changes whenever points on screen changed (the store's maps are updated in place, so this is
 * what tells memoized lines to be computed again). `known` is the listed runs' ids; `onRuns` is
 * called when the server says the list of runs changed.
 */
export function usePoints(
  first: FirstLoad,
  gate: DrawGate,
  selected: readonly string[],
  metric: string,
  x: XAxis,
  known: ReadonlySet<string>,
  onRuns: () => void,
): number {
  const { store } = first;
  const [revision, setRevision] = useState(0);
  const changed = () => setRevision((old) => old + 1);
  // Read by the event handlers, which are set up once.
  const shown = useRef({ selected, metric });
  shown.current = { selected, metric };
  /** The metric shown and the runs whose points of it the page holds and follows. */
  const followed = useRef({ metric: '', ids: new Set<string>() });

  const prefetch = useCallback(async (ids: readonly string[]) => {
    const fetched = await Promise.all(
      ids.map(async (id): Promise<string[]> => {
        const rest = store.unfetched(id);
        return rest.length > 0 ? store.load(id, rest).catch(() => []) : [];
      }),
    );
    // Only if one of them is on screen by now (the metric was switched to while on its way).
    if (fetched.some((list) => list.includes(shown.current.metric))) changed();
  }, []);

  // Draw again only when what is shown changed: points of the metric on screen, a run gone, a
  // new metric name for the menu; not for metrics fetched ahead of time.
  const load = useCallback(
    async (ids: readonly string[], name: string, loading?: Promise<string[][]>) => {
      // One request for all of them: the browser's six connections to a host would make 20 wait.
      const result = await (loading ?? store.loadMany(ids, name)).catch(() => [] as string[][]);
      // With the chart drawn, fetch the selected runs' other metrics (usually a few short per-epoch
      // curves) so that switching metric finds them here instead of asking the server; not before,
      // when their answers would hold up the drawing.
      if (result.some((list) => list.length > 0)) {
        gate.afterDraw(() => void prefetch(ids));
        changed();
      } else setTimeout(() => void prefetch(ids), 0);
    },
    [],
  );

  /** Load `name` of the runs among `ids` not followed for it yet, and follow them. */
  const loadFollowed = useCallback(
    (ids: readonly string[], name: string, loading?: Promise<string[][]>) => {
      const following = followed.current;
      if (following.metric !== name) {
        following.metric = name;
        following.ids.clear();
      }
      const wanted = ids.filter((id) => !following.ids.has(id));
      for (const id of wanted) following.ids.add(id);
      void load(wanted, name, loading).then(() => {
        // Not there after all (not listed yet, deleted, a failed request): ask again next time.
        for (const id of wanted) if (!store.has(id, name)) following.ids.delete(id);
      });
    },
    [],
  );

  useEffect(() => {
    // The link names the runs: their points were asked for with the list of runs.
    loadFollowed(first.view.runs, first.view.metric, first.metrics);
    return follow({
      // Before the curves are first drawn, the page has just read the list: a change (or the
      // catch-up when the event stream opens) is read again once they are.
      onRuns: () => (gate.hasDrawn() ? onRuns() : gate.afterDraw(onRuns)),
      onMetrics: (id) => {
        const { selected: ids, metric: name } = shown.current;
        const wanted = id === undefined ? ids : ids.includes(id) ? [id] : [];
        const catchUp = () =>
          void load(
            wanted.filter((one) => store.has(one, name)),
            name,
          );
        // Catching up when the event stream opens asks for every selected run again; on opening
        // the page that waits until the curves are drawn.
        if (id === undefined && !gate.hasDrawn()) gate.afterDraw(catchUp);
        else catchUp();
      },
    });
  }, []);

  // The shown metric of every selected run: all of it the first time, and after that whatever was
  // appended while another metric was shown (usually nothing, and then nothing is drawn again).
  // Runs already followed for the shown metric are kept up to date by the event stream and are
  // not asked for again when the list of runs changes.
  useEffect(() => {
    // The time axis wants the points' times, fetched until now only when it was shown first: the
    // points held without them are dropped, and fetched again with them.
    // Runs no longer listed are followed no more (their points were dropped with them).
    if (known.size > 0)
      for (const id of followed.current.ids) if (!known.has(id)) followed.current.ids.delete(id);
    if (x === 'time' && store.includeTime()) {
      followed.current = { metric: '', ids: new Set() };
      changed();
    }
    loadFollowed(selected, metric);
  }, [selected.join(','), known, metric, x]);

  return revision;
}

/** Forget the points of runs no longer listed. */
export function dropGone(first: FirstLoad, listed: readonly { id: string }[]): void {
  const ids = new Set(listed.map((run) => run.id));
  for (const id of [...first.store.data.keys()]) if (!ids.has(id)) first.store.drop(id);
}
