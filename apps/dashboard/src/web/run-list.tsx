import { useEffect, useRef } from 'preact/hooks';
import type { RunView } from '../api-types';
import { formatValue, varyingSettings, type SettingValue } from '@machop/runs/groups';
import { formatCell, settingsOf } from './settings';

/** A run's status as a mark: live while it trains, and what went wrong when something did. */
export function StatusMark({ run }: { run: RunView }) {
  const text: Record<string, string> = {
    running: '● live',
    crashed: 'crashed',
    interrupted: 'interrupted',
    diverged: 'diverged',
    'early-stopped': 'early stop',
    'time-limit': 'time limit',
  };
  const label = text[run.status];
  return label ? (
    <span class={`status status-${run.status}`} title={run.summary?.reason ?? run.status}>
      {label}
    </span>
  ) : null;
}

/** A run's tags (`ch train --tag`), as small labels. */
export function Tags({ run }: { run: RunView }) {
  return run.tags.length > 0 ? (
    <span class="tags">
      {run.tags.map((tag) => (
        <span key={tag} class="tag" data-tag={tag}>
          {tag}
        </span>
      ))}
    </span>
  ) : null;
}

/** A fake-quantized run's mark (a `ch transform` run or QAT from one), which tags alone may not show. */
export function QuantizedMark({ run }: { run: RunView }) {
  return run.quantized ? (
    <span class="tag quantized" title="fake-quantized model (ch transform, or trained from one)">
      quantized
    </span>
  ) : null;
}

/**
 * Does `run` match the filter: a substring (any case) or, written as /.../, a regular expression,
 * of its id, status, name and tags (also as `name=...` and `tag=...`) and settings as `key=value`.
 */
export function matches(run: RunView, filter: string): boolean {
  if (!filter) return true;
  const text = [
    run.id,
    run.status,
    ...(run.name === null ? [] : [run.name, `name=${run.name}`]),
    ...run.tags.flatMap((tag) => [tag, `tag=${tag}`]),
    ...(run.quantized ? ['quantized'] : []),
    ...[...settingsOf(run)].map(([key, value]) => `${key}=${formatCell(value)}`),
  ].join(' ');
  const regex = /^\/(.*)\/([a-z]*)$/.exec(filter);
  if (regex) {
    try {
      return new RegExp(regex[1], regex[2]).test(text);
    } catch {
      return false;
    }
  }
  return text.toLowerCase().includes(filter.toLowerCase());
}

interface Section {
  key: string;
  title: string;
  runs: RunView[];
}

/**
 * The settings that tell sweeps apart: those the same within each sweep but not between them
 * (two batch-size sweeps at different learning rates), for each sweep its `key=value` text.
 */
function sweepDistinctions(bySweep: ReadonlyMap<string, readonly RunView[]>): Map<string, string> {
  const constant = new Map<string, Map<string, SettingValue>>();
  for (const [key, runs] of bySweep) {
    const settings = runs.map(settingsOf);
    const varying = new Set(varyingSettings(settings));
    constant.set(
      key,
      new Map([...settings[0]].filter(([name]) => !varying.has(name) && name !== 'seed')),
    );
  }
  const all = [...constant.values()];
  const differing = varyingSettings(all);
  return new Map(
    [...constant].map(([key, values]) => [
      key,
      differing
        .filter((name) => values.has(name))
        .map((name) => `${name}=${formatValue(values.get(name))}`)
        .join(', '),
    ]),
  );
}

/** The runs by project and sweep, in the order the list shows them. */
export function sections(runs: readonly RunView[]): Section[] {
  const byKey = new Map<string, Section>();
  for (const run of runs) {
    const key = `${run.project}\u0000${run.sweep?.id ?? ''}`;
    let section = byKey.get(key);
    if (!section) {
      section = {
        key,
        title: run.sweep ? `${run.project} · sweep ${run.sweep.id}` : run.project,
        runs: [],
      };
      byKey.set(key, section);
    }
    section.runs.push(run);
  }
  // Sweeps of one project whose trials have the same names are titled by what sets them apart.
  const sweeps = [...byKey.values()].filter((section) => section.runs[0].sweep);
  for (const project of new Set(sweeps.map((section) => section.runs[0].project))) {
    const inProject = sweeps.filter((section) => section.runs[0].project === project);
    if (inProject.length < 2) continue;
    const distinctions = sweepDistinctions(
      new Map(inProject.map((section) => [section.key, section.runs])),
    );
    for (const section of inProject) {
      const text = distinctions.get(section.key);
      if (text) section.title += ` · ${text}`;
    }
  }
  return [...byKey.values()].sort((a, b) => a.title.localeCompare(b.title));
}

/** The runs in the order the list shows them. */
export function listOrder(runs: readonly RunView[]): RunView[] {
  return sections(runs).flatMap((section) => section.runs);
}

/** The runs, grouped by project and sweep, each with a checkbox. */
export function RunList(props: {
  runs: RunView[];
  selected: ReadonlySet<string>;
  names: ReadonlyMap<string, string>;
  onToggle: (ids: string[], on: boolean) => void;
  /**
   * How many runs to list at most, for now: more than a screenful costs the first render, and
   * the page lists the rest once the chart is drawn.
   */
  limit?: number;
  /** A run to scroll into view once it is listed (the first run a first visit selects). */
  reveal?: string;
}) {
  const list = useRef<HTMLDivElement>(null);
  const revealed = useRef<string | undefined>(undefined);
  // After every render until it is done: the run may be listed only by a later one.
  useEffect(() => {
    if (props.reveal === undefined || revealed.current === props.reveal) return;
    const row = list.current?.querySelector(`[data-run="${CSS.escape(props.reveal)}"]`);
    if (!row) return;
    // Runs listed later (the limit lifted) can push it down again: done once the list is whole.
    if (props.limit === undefined) revealed.current = props.reveal;
    const box = row.getBoundingClientRect();
    // Left alone when already in view: the list does not jump on a visit that needs no scroll.
    if (box.top < 0 || box.bottom > window.innerHeight) row.scrollIntoView({ block: 'start' });
  });
  let room = props.limit ?? Infinity;
  return (
    <div class="run-list" data-testid="run-list" ref={list}>
      {sections(props.runs).map((section) => {
        const ids = section.runs.map((run) => run.id);
        // A section with a selected run is listed whole, so a ticked run is never hidden.
        const shown = ids.some((id) => props.selected.has(id))
          ? section.runs
          : section.runs.slice(0, Math.max(0, room));
        room -= shown.length;
        const all = ids.every((id) => props.selected.has(id));
        return (
          <section key={section.key} data-section={section.title}>
            <label class="section-title">
              <input
                type="checkbox"
                checked={all}
                onChange={() => props.onToggle(ids, !all)}
                aria-label={`select all of ${section.title}`}
              />
              {section.title} <span class="count">{section.runs.length}</span>
            </label>
            {shown.map((run) => (
              <label key={run.id} class="run" data-run={run.id} title={run.id}>
                <input
                  type="checkbox"
                  checked={props.selected.has(run.id)}
                  onChange={(event) => props.onToggle([run.id], event.currentTarget.checked)}
                />
                <span class="run-name">
                  {run.name ?? (run.sweep ? (props.names.get(run.id) ?? run.run) : run.run)}
                </span>
                <Tags run={run} />
                <QuantizedMark run={run} />
                <StatusMark run={run} />
              </label>
            ))}
          </section>
        );
      })}
    </div>
  );
}
