// The list of runs, fetched on opening the page and again when the server says it changed.
import { useCallback, useRef, useState } from 'preact/hooks';
import type { RunView } from '../api-types';
import { fetchRuns } from './api';
import type { FirstLoad } from './first-load';

/** How long the list of runs waits, on opening the page, for the curves a link asks for. */
const LIST_WAIT_MS = 1500;

/** What {@link useRuns} gives the page. */
export interface RunsState {
  runs: RunView[];
  projectDir: string;
  error: string;
  /** Fetch the list again; the same list again changes nothing. */
  reload: () => Promise<void>;
}

/**
 * The runs of the project dir. `onListed` is told each new list (to drop points of runs that are
 * gone, and to pick the runs of a first visit).
 */
export function useRuns(first: FirstLoad, onListed: (runs: RunView[]) => void): RunsState {
  const [runs, setRuns] = useState<RunView[]>([]);
  const [projectDir, setProjectDir] = useState('');
  const [error, setError] = useState('');
  const lastText = useRef('');
  const reload = useCallback(async () => {
    try {
      const opening = first.runs !== undefined;
      const listing = first.runs ?? fetchRuns();
      first.runs = undefined;
      const listed = await listing;
      // On opening the page, the list comes with the curves of the runs the link names (or after
      // LIST_WAIT_MS), in one render: listing first would hold the curves up by a whole render,
      // layout and paint of the page.
      if (opening)
        await Promise.race([
          first.metrics.catch(() => undefined),
          new Promise((resolve) => setTimeout(resolve, LIST_WAIT_MS)),
        ]);
      // The same list again (a poll, a reconnect): keep the old objects and skip re-rendering.
      const text = JSON.stringify(listed.runs);
      if (text === lastText.current) return;
      lastText.current = text;
      setRuns(listed.runs);
      setProjectDir(listed.projectDir);
      onListed(listed.runs);
      setError('');
    } catch (caught) {
      setError(String(caught));
    }
  }, []);
  return { runs, projectDir, error, reload };
}
