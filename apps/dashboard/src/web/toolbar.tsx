// The controls above the chart: metric, x axis, smoothing, log scale, grouping and band.
import type { Band, XAxis } from '@machop/runs/curves';
import type { ViewState } from './url-state';

/** The chart's controls; `smoothing` is the weight in use (chosen or automatic). */
export function Toolbar(props: {
  view: ViewState;
  metrics: readonly string[];
  groupKeys: readonly string[];
  smoothing: number;
  update: (change: Partial<ViewState>) => void;
}) {
  const { view, update, smoothing } = props;
  const metrics = props.metrics.includes(view.metric)
    ? props.metrics
    : [view.metric, ...props.metrics];
  return (
    <div class="toolbar">
      <label>
        metric{' '}
        <select
          data-testid="metric"
          value={view.metric}
          onChange={(event) => update({ metric: event.currentTarget.value })}
        >
          {metrics.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
      </label>
      <label>
        x{' '}
        <select
          data-testid="x-axis"
          value={view.x}
          onChange={(event) => update({ x: event.currentTarget.value as XAxis })}
        >
          <option value="epoch">epoch</option>
          <option value="step">step</option>
          <option value="time">wall time</option>
        </select>
      </label>
      <label>
        smoothing{' '}
        <input
          data-testid="smoothing"
          type="range"
          min="0"
          max="0.99"
          step="0.01"
          value={smoothing}
          onInput={(event) => update({ smoothing: Number(event.currentTarget.value) })}
        />{' '}
        <span data-testid="smoothing-value">
          {smoothing.toFixed(2)}
          {view.smoothing === null ? ' (auto)' : ''}
        </span>
        {view.smoothing !== null && (
          <button
            type="button"
            data-testid="smoothing-auto"
            title="the smoothing ch plot would pick: 0.6 for per-step metrics, none for per-epoch"
            onClick={() => update({ smoothing: null })}
          >
            auto
          </button>
        )}
      </label>
      <label>
        <input
          data-testid="log-y"
          type="checkbox"
          checked={view.logY}
          onChange={(event) => update({ logY: event.currentTarget.checked })}
        />{' '}
        log y
      </label>
      <label>
        group by{' '}
        <select
          data-testid="group-by"
          value={view.groupBy}
          onChange={(event) => update({ groupBy: event.currentTarget.value })}
        >
          <option value="">(each run)</option>
          {props.groupKeys.map((key) => (
            <option key={key} value={key}>
              {key}
            </option>
          ))}
        </select>
      </label>
      {view.groupBy && (
        <label>
          band{' '}
          <select
            data-testid="band"
            value={view.band}
            onChange={(event) => update({ band: event.currentTarget.value as Band })}
          >
            <option value="minmax">min–max</option>
            <option value="std">mean ± std</option>
          </select>
        </label>
      )}
    </div>
  );
}
