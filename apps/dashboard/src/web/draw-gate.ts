// Work that waits for the chart: the tables under it, fetching ahead, catching up with events.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/** When the tables under the chart are shown even if no curve was drawn. */
const TABLES_LATE_MS = 3000;

/** What {@link useDrawGate} gives the page. */
export interface DrawGate {
  /** Whether the chart has drawn once (and the browser painted it), or TABLES_LATE_MS passed. */
  tablesShown: boolean;
  /** Call when the chart has drawn what it was given. */
  drawn: () => void;
  /** Run `task` once the chart has drawn next (and the browser painted it). */
  afterDraw: (task: () => void) => void;
  /** Whether the chart has drawn at least once. */
  hasDrawn: () => boolean;
}

/**
 * The tables under the chart wait for the curves: with hundreds of runs they cost the page as
 * much as the chart itself, and the chart is what a person opened the page for. They come once
 * the curves are drawn (and painted), at once when no run is selected, and after TABLES_LATE_MS
 * whatever happened (a metric no selected run has logged draws nothing).
 */
export function useDrawGate(): DrawGate {
  const [tablesShown, setTablesShown] = useState(false);
  const waiting = useRef<(() => void)[]>([]);
  const drawnOnce = useRef(false);
  const drawn = useCallback(() => {
    const tasks = waiting.current;
    waiting.current = [];
    requestAnimationFrame(() =>
      setTimeout(() => {
        drawnOnce.current = true;
        setTablesShown(true);
        for (const task of tasks) task();
      }, 0),
    );
  }, []);
  useEffect(() => {
    const timer = setTimeout(drawn, TABLES_LATE_MS);
    return () => clearTimeout(timer);
  }, []);
  const afterDraw = useCallback((task: () => void) => void waiting.current.push(task), []);
  const hasDrawn = useCallback(() => drawnOnce.current, []);
  return { tablesShown, drawn, afterDraw, hasDrawn };
}
