/**
 * @machop/dashboard: a web page and a small read-only server over a project's run folders. Start
 * it with the `machop-dashboard` binary, `ch dashboard`, or {@link startDashboard}.
 *
 * @packageDocumentation
 */
export {
  startDashboard,
  DashboardError,
  type StartOptions,
  type RunningDashboard,
} from './start.js';
export {
  createDashboardServer,
  WEB_ROOT,
  type DashboardServer,
  type DashboardServerOptions,
} from './server/server.js';
export { RunStore } from './server/run-store.js';
export type {
  RunView,
  RunsResponse,
  MetricsResponse,
  MetricsBatchResponse,
  MetricColumns,
  BinaryMetricsHeader,
} from './api-types.js';
export { BINARY_FORMAT } from './api-types.js';
export { decodeMetrics, decodeMetricsBatch } from './binary-metrics.js';
export {
  runDashboardCommand,
  dashboardUsage,
  DASHBOARD_USAGE,
  type DashboardCommandIo,
} from './command.js';
