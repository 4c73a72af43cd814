/**
 * TensorBoard event files: write scalars TensorBoard can plot, and read them back.
 */
export { EventFileWriter, type EventFileWriterOptions } from './writer.js';
export { readEventFile } from './reader.js';
export type { EventScalar } from './event.js';
