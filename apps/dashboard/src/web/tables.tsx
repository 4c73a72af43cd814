import { useState } from 'preact/hooks';
import { metricDirection } from '@machop/runs/direction';
import { curveEnds } from '@machop/runs/series';
import type { RunView } from '../api-types';
import type { TypedColumns } from '../binary-metrics';
import { formatCell as formatValue, settingsOf, type SettingValue } from './settings';
import { StatusMark } from './run-list';

export type Data = ReadonlyMap<string, Record<string, TypedColumns>>;

const endsCache = new WeakMap<TypedColumns, { final: number | null; best: number | null }>();

/**
 * Final and best of `metric` for a run: from its loaded curve when there is one (a live run has no
 * summary yet), else from summary.json (best = the value at the run's best epoch).
 */
export function finalAndBest(
  run: RunView,
  data: Data,
  metric: string,
): { final: number | null; best: number | null } {
  const columns = data.get(run.id)?.[metric];
  if (columns && columns.value.length > 0) {
    // A run's points are a new object whenever they grow: until then the ends are known.
    let ends = endsCache.get(columns);
    if (!ends) {
      // The metric declares which way is better; one that declares none (lr) has no best.
      const mode = metricDirection(metric);
      const { final, best } = curveEnds({ x: columns.step, y: columns.value }, mode ?? 'min');
      ends = { final, best: mode === undefined ? null : best };
      endsCache.set(columns, ends);
    }
    return ends;
  }
  return {
    final: run.summary?.final[metric] ?? null,
    best: run.summary?.best?.[metric] ?? null,
  };
}

/** Every run's configuration (the keys that vary) and final and best metric, sortable by any column. */
export function RunsTable(props: {
  runs: RunView[];
  keys: string[];
  metric: string;
  data: Data;
  selected: ReadonlySet<string>;
  onToggle: (ids: string[], on: boolean) => void;
}) {
  const [sort, setSort] = useState<{ column: string; descending: boolean }>({
    column: 'run',
    descending: false,
  });
  const metricColumns = [`final ${props.metric}`, `best ${props.metric}`];
  // A run's name and tags (`ch train --name`, `--tag`) get columns when any run has them.
  const labels = [
    ...(props.runs.some((run) => run.name !== null) ? ['name'] : []),
    ...(props.runs.some((run) => run.tags.length > 0) ? ['tags'] : []),
  ];
  const columns = ['run', ...labels, 'status', ...props.keys, ...metricColumns];
  const rows = props.runs.map((run) => {
    const entry = settingsOf(run);
    const { final, best } = finalAndBest(run, props.data, props.metric);
    const cells: Record<string, SettingValue | undefined> = {
      run: run.id,
      name: run.name,
      tags: run.tags.length > 0 ? run.tags.join(' ') : null,
      status: run.status,
    };
    for (const key of props.keys) cells[key] = entry.get(key) ?? null;
    cells[metricColumns[0]] = final;
    cells[metricColumns[1]] = best;
    return { run, cells };
  });
  rows.sort((a, b) => {
    const left = a.cells[sort.column];
    const right = b.cells[sort.column];
    if (left === right) return 0;
    if (left === null || left === undefined) return 1;
    if (right === null || right === undefined) return -1;
    const order =
      typeof left === 'number' && typeof right === 'number'
        ? left - right
        : String(left).localeCompare(String(right), undefined, { numeric: true });
    return sort.descending ? -order : order;
  });
  return (
    <div class="table-wrap">
      <table class="runs-table" data-testid="runs-table">
        <thead>
          <tr>
            <th />
            {columns.map((column) => (
              <th
                key={column}
                data-column={column}
                class={
                  sort.column === column ? (sort.descending ? 'sorted-down' : 'sorted-up') : ''
                }
                onClick={() =>
                  setSort({
                    column,
                    descending: sort.column === column ? !sort.descending : false,
                  })
                }
              >
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(({ run, cells }) => (
            <tr key={run.id} data-run={run.id}>
              <td>
                <input
                  type="checkbox"
                  checked={props.selected.has(run.id)}
                  onChange={(event) => props.onToggle([run.id], event.currentTarget.checked)}
                />
              </td>
              {columns.map((column) =>
                column === 'status' ? (
                  <td key={column}>
                    {run.status} <StatusMark run={run} />
                  </td>
                ) : (
                  <td key={column} class={typeof cells[column] === 'number' ? 'number' : ''}>
                    {formatValue(cells[column])}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A tested run's confusion matrix and per-class precision, recall and F1 (from test.json). */
export function TestView({ run }: { run: RunView }) {
  const test = run.test;
  if (!test) return <p class="empty">{run.id} has no test result.</p>;
  const largest = Math.max(1, ...test.confusionMatrix.flat());
  return (
    <div class="test-view" data-testid="test-view">
      <p>
        {run.id}: accuracy {formatValue(test.accuracy)}, loss {formatValue(test.loss)}, {test.size}{' '}
        rows ({test.checkpoint.split(/[\\/]/).slice(-1)[0]} checkpoint)
      </p>
      <div class="test-tables">
        <table class="confusion" data-testid="confusion">
          <thead>
            <tr>
              <th>true \ predicted</th>
              {test.classNames.map((name) => (
                <th key={name}>{name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {test.confusionMatrix.map((row, index) => (
              <tr key={index}>
                <th>{test.classNames[index]}</th>
                {row.map((count, column) => (
                  <td
                    key={column}
                    class="number"
                    style={{
                      background: `rgba(31, 119, 180, ${(0.85 * count) / largest})`,
                      color: count / largest > 0.5 ? '#fff' : '#222',
                    }}
                  >
                    {count}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <table class="per-class" data-testid="per-class">
          <thead>
            <tr>
              <th>class</th>
              <th>precision</th>
              <th>recall</th>
              <th>F1</th>
              <th>support</th>
            </tr>
          </thead>
          <tbody>
            {test.classNames.map((name, index) => (
              <tr key={name}>
                <th>{name}</th>
                <td class="number">{formatValue(test.precision[index])}</td>
                <td class="number">{formatValue(test.recall[index])}</td>
                <td class="number">{formatValue(test.f1[index])}</td>
                <td class="number">{test.support[index]}</td>
              </tr>
            ))}
            <tr>
              <th>macro</th>
              <td class="number">{formatValue(test.macro.precision)}</td>
              <td class="number">{formatValue(test.macro.recall)}</td>
              <td class="number">{formatValue(test.macro.f1)}</td>
              <td />
            </tr>
          </tbody>
        </table>
      </div>
    </div>
  );
}
