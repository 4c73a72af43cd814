/**
 * TensorBoard's HParams plugin summaries: a run's hyperparameters at its start and its outcome at
 * its end, so TensorBoard's HParams tab lists runs by their settings beside their metrics. Field
 * numbers come from tensorboard/plugins/hparams/plugin_data.proto and api.proto, tensorflow's
 * summary.proto, tensor.proto and tensor_shape.proto, and google/protobuf/struct.proto:
 *
 * ```proto
 * message Value            { string tag = 1; TensorProto tensor = 8; SummaryMetadata metadata = 9; }
 * message SummaryMetadata  { PluginData plugin_data = 1; }   // { string plugin_name = 1; bytes content = 2; }
 * message HParamsPluginData { int32 version = 1; oneof data { SessionStartInfo session_start_info = 3;
 *                                                            SessionEndInfo session_end_info = 4; } }
 * message SessionStartInfo { map<string, google.protobuf.Value> hparams = 1; string group_name = 4;
 *                            double start_time_secs = 5; }
 * message SessionEndInfo   { Status status = 1; double end_time_secs = 2; }
 * ```
 */
import { ProtobufWriter } from './protobuf.js';

/** Tags TensorBoard reads the session summaries from. */
export const HPARAMS_TAGS = {
  start: '_hparams_/session_start_info',
  end: '_hparams_/session_end_info',
} as const;

/** A hyperparameter's value; TensorBoard shows numbers, text and booleans. */
export type HParamValue = string | number | boolean | null;

/** How a session ended, as TensorBoard's `Status` enum has it. */
export type SessionStatus = 'success' | 'failure' | 'running' | 'unknown';

const STATUS: Record<SessionStatus, number> = { unknown: 0, success: 1, failure: 2, running: 3 };

/** The empty float tensor TensorBoard stores with plugin summaries that carry only metadata. */
const NULL_TENSOR = new ProtobufWriter()
  .int64(1, 1) // dtype: DT_FLOAT
  .message(2, new ProtobufWriter().message(2, new Uint8Array(0)).finish()) // shape: [0]
  .finish();

/** google.protobuf.Value: each kind in its oneof field, written even when it is 0 or false. */
function encodeValue(value: HParamValue): Uint8Array {
  const writer = new ProtobufWriter();
  if (value === null) writer.int64(1, 0);
  else if (typeof value === 'number') writer.double(2, value);
  else if (typeof value === 'string') writer.string(3, value);
  else writer.int64(4, value ? 1 : 0);
  return writer.finish();
}

/** A `Summary` holding one HParams plugin value under `tag`. */
function pluginSummary(tag: string, field: number, info: Uint8Array): Uint8Array {
  // version 0 is the default, so it is left out, as protobuf does.
  const content = new ProtobufWriter().message(field, info).finish();
  const pluginData = new ProtobufWriter().string(1, 'hparams').message(2, content).finish();
  const metadata = new ProtobufWriter().message(1, pluginData).finish();
  const value = new ProtobufWriter()
    .string(1, tag)
    .message(8, NULL_TENSOR)
    .message(9, metadata)
    .finish();
  return new ProtobufWriter().message(1, value).finish();
}

/**
 * The session-start summary: `hparams` by name (written sorted, as TensorBoard's own writer does),
 * the group that aggregates repeats of one setting (empty: the run is its own group), and the
 * start time in seconds since the Unix epoch.
 */
export function encodeSessionStartSummary(start: {
  hparams: Readonly<Record<string, HParamValue>>;
  group: string;
  startTime: number;
}): Uint8Array {
  const info = new ProtobufWriter();
  for (const name of Object.keys(start.hparams).sort()) {
    const entry = new ProtobufWriter()
      .string(1, name)
      .message(2, encodeValue(start.hparams[name]))
      .finish();
    info.message(1, entry);
  }
  if (start.group !== '') info.string(4, start.group);
  if (start.startTime !== 0) info.double(5, start.startTime);
  return pluginSummary(HPARAMS_TAGS.start, 3, info.finish());
}

/** The session-end summary: how the run ended and when. */
export function encodeSessionEndSummary(end: {
  status: SessionStatus;
  endTime: number;
}): Uint8Array {
  const info = new ProtobufWriter();
  if (STATUS[end.status] !== 0) info.int64(1, STATUS[end.status]);
  if (end.endTime !== 0) info.double(2, end.endTime);
  return pluginSummary(HPARAMS_TAGS.end, 4, info.finish());
}
