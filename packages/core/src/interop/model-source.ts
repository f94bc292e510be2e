import { ConfigError } from '../errors';
import { describeValue } from '../options';
import { readRegularFile } from '../io/safe-read';

/** A model file to read: its path, or its bytes already in memory. */
export type ModelSource = string | Uint8Array;

/** Largest file the interop readers accept (they hold the whole file in memory). */
export const MAX_MODEL_FILE_BYTES = 2 ** 32;

/**
 * The bytes of a model file, read in one place so every interop reader treats paths alike: through
 * `readRegularFile` (regular files only, so a FIFO or /dev/zero is a `FormatError`, never a hang),
 * at most `MAX_MODEL_FILE_BYTES`. Bytes given directly are returned as they are. `reader` names the
 * reader in messages, e.g. `loadTorchStateDict`.
 */
export async function readModelSource(source: ModelSource, reader: string): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (typeof source !== 'string' || source === '') {
    throw new ConfigError(`${reader} expected a file path or a Uint8Array of the file's bytes, got ${describeValue(source)}`);
  }
  return readRegularFile(source, { what: `file given to ${reader}`, maxBytes: MAX_MODEL_FILE_BYTES });
}

/** Where a source came from, for messages: its path, or its size for in-memory bytes. */
export function sourceName(source: ModelSource): string {
  return typeof source === 'string' ? source : `${source.length} bytes`;
}
