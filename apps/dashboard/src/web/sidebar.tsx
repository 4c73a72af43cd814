// The left column: the project dir, the filter, and the runs to tick.
import type { ComponentChildren } from 'preact';
import type { RunView } from '../api-types';
import { RunList } from './run-list';

/** The project dir, the filter box, how many runs are selected, and the list of runs. */
export function Sidebar(props: {
  projectDir: string;
  filter: string;
  onFilter: (filter: string) => void;
  runs: readonly RunView[];
  visible: RunView[];
  selected: ReadonlySet<string>;
  names: ReadonlyMap<string, string>;
  onToggle: (ids: string[], on: boolean) => void;
  onNone: () => void;
  /** How many runs to list at most for now (see RunList). */
  limit?: number;
  /** A run to scroll into view once (see RunList). */
  reveal?: string;
  /** What is listed below the runs (the searches). */
  children?: ComponentChildren;
}) {
  return (
    <aside>
      <h1>Machop.ts runs</h1>
      <p class="project-dir" title={props.projectDir}>
        {props.projectDir}
      </p>
      <input
        class="filter"
        type="search"
        placeholder="filter: text or /regex/"
        value={props.filter}
        onInput={(event) => props.onFilter(event.currentTarget.value)}
      />
      <p class="selection">
        {props.selected.size} of {props.runs.length} selected{' '}
        <button
          type="button"
          onClick={() =>
            props.onToggle(
              props.visible.map((run) => run.id),
              true,
            )
          }
        >
          all shown
        </button>{' '}
        <button type="button" onClick={props.onNone}>
          none
        </button>
      </p>
      <RunList
        runs={props.visible}
        selected={props.selected}
        names={props.names}
        onToggle={props.onToggle}
        limit={props.limit}
        reveal={props.reveal}
      />
      {props.children}
    </aside>
  );
}
