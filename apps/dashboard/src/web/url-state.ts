// The view in the URL's query, so a link reopens the same view.
import type { Band, XAxis } from '@machop/runs/curves';
import { settingName } from './settings';

export interface ViewState {
  runs: string[];
  metric: string;
  x: XAxis;
  /**
   * The smoothing weight chosen, or null for the automatic one (`automaticSmoothing` from
   * @machop/runs/series, as `ch plot` picks it: 0.6 for per-step metrics, none for per-epoch).
   */
  smoothing: number | null;
  logY: boolean;
  groupBy: string;
  band: Band;
  filter: string;
  summaryParam: string;
  testRun: string;
}

export const DEFAULT_VIEW: ViewState = {
  runs: [],
  metric: 'val_acc_epoch',
  // Epochs counted from 1, as `ch plot` and the terminal count them.
  x: 'epoch',
  smoothing: null,
  logY: false,
  groupBy: '',
  band: 'minmax',
  filter: '',
  summaryParam: '',
  testRun: '',
};

export function readView(search: string): ViewState {
  const query = new URLSearchParams(search);
  const x = query.get('x');
  const band = query.get('band');
  const smooth = query.get('smooth');
  const smoothing = smooth === null || smooth === '' ? NaN : Number(smooth);
  return {
    runs: (query.get('runs') ?? '').split(',').filter(Boolean),
    metric: query.get('metric') || DEFAULT_VIEW.metric,
    x: x === 'step' || x === 'time' ? x : 'epoch',
    smoothing: smoothing >= 0 && smoothing < 1 ? smoothing : null,
    logY: query.get('log') === '1',
    groupBy: settingName(query.get('group') ?? ''),
    band: band === 'std' ? 'std' : 'minmax',
    filter: query.get('filter') ?? '',
    summaryParam: settingName(query.get('param') ?? ''),
    testRun: query.get('test') ?? '',
  };
}

export function writeView(view: ViewState): string {
  const query = new URLSearchParams();
  query.set('runs', view.runs.join(','));
  query.set('metric', view.metric);
  query.set('x', view.x);
  // Left out when automatic: the rule gives the same weight to whoever opens the link.
  if (view.smoothing !== null) query.set('smooth', String(view.smoothing));
  if (view.logY) query.set('log', '1');
  if (view.groupBy) query.set('group', view.groupBy);
  if (view.band !== 'minmax') query.set('band', view.band);
  if (view.filter) query.set('filter', view.filter);
  if (view.summaryParam) query.set('param', view.summaryParam);
  if (view.testRun) query.set('test', view.testRun);
  return `?${query.toString()}`;
}
