import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { FormatError } from '../errors';

/** Options of {@link readRegularFile} and {@link readRegularFileSync}. */
export interface ReadRegularFileOptions {
  /** Refuse files larger than this many bytes (default {@link DEFAULT_MAX_FILE_BYTES}). */
  maxBytes?: number;
  /** What the file is, for messages (default `'file'`), e.g. `'weights file'`. */
  what?: string;
}

/** The largest file read when no `maxBytes` is given: 2 GiB (the protobuf limit, far above any model.json). */
export const DEFAULT_MAX_FILE_BYTES = 2 ** 31;

/**
 * Opening never waits: a FIFO opened for reading without a writer would block `open()` forever;
 * with O_NONBLOCK it opens at once and the descriptor check below rejects it. (Windows has no such flag.)
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Bytes read per call while the file keeps giving more than `fstat` said (files in /proc, growing files). */
const CHUNK_BYTES = 1 << 20;

/**
 * Reads a whole file that must be a regular file of at most `maxBytes` bytes: the one way this package
 * reads model files. The check runs on the opened descriptor (`fstat`), so a symlink swapped in
 * between a check and the open cannot smuggle in a device. A directory, FIFO, socket or device (say
 * `weights.bin` symlinked to `/dev/zero`), a file over the limit, or any read failure is a
 * `FormatError` naming the path — at once, never a hang and never an unbounded read.
 */
export function readRegularFileSync(path: string, options: ReadRegularFileOptions = {}): Buffer {
  const { maxBytes, what } = resolveOptions(path, options);
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (err) {
    throw readFailure(path, what, err);
  }
  try {
    const stats = fstatSync(fd);
    checkStats(stats, path, what, maxBytes);
    const reader = new BoundedRead(stats.size, maxBytes, path, what);
    while (reader.advance(readSync(fd, ...reader.next())));
    return reader.result();
  } catch (err) {
    throw err instanceof FormatError ? err : readFailure(path, what, err);
  } finally {
    closeSync(fd);
  }
}

/** The asynchronous form of {@link readRegularFileSync}: same checks, same errors. */
export async function readRegularFile(path: string, options: ReadRegularFileOptions = {}): Promise<Buffer> {
  const { maxBytes, what } = resolveOptions(path, options);
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (err) {
    throw readFailure(path, what, err);
  }
  try {
    const stats = await handle.stat();
    checkStats(stats, path, what, maxBytes);
    const reader = new BoundedRead(stats.size, maxBytes, path, what);
    while (reader.advance((await handle.read(...reader.next())).bytesRead));
    return reader.result();
  } catch (err) {
    throw err instanceof FormatError ? err : readFailure(path, what, err);
  } finally {
    await handle.close();
  }
}

function resolveOptions(path: string, options: ReadRegularFileOptions): { maxBytes: number; what: string } {
  if (typeof path !== 'string' || path === '') {
    throw new FormatError(`expected a file path (a non-empty string), got ${path === '' ? "''" : typeof path}`);
  }
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new FormatError(`maxBytes must be a non-negative integer, got ${String(maxBytes)}`);
  }
  return { maxBytes, what: options.what ?? 'file' };
}

function checkStats(stats: Stats, path: string, what: string, maxBytes: number): void {
  if (!stats.isFile()) {
    throw new FormatError(`${path}: the ${what} should be a regular file, but it is ${fileKind(stats)}`);
  }
  if (stats.size > maxBytes) throw tooLarge(path, what, maxBytes, stats.size);
}

/**
 * The read loop of both forms: reads go into one buffer sized from `fstat` (plus one spare byte that
 * reveals a file grown since), which grows by chunks while the file keeps giving more (sizes of files
 * in /proc are 0); more than `maxBytes` in total is a `FormatError`.
 */
class BoundedRead {
  private buffer: Buffer;
  private total = 0;

  constructor(
    sizeHint: number,
    private readonly maxBytes: number,
    private readonly path: string,
    private readonly what: string,
  ) {
    this.buffer = Buffer.allocUnsafe(Math.min(sizeHint, maxBytes) + 1);
  }

  /** Where the next read goes: `[buffer, offset, length, position]` (position null: the file's own). */
  next(): [Buffer, number, number, null] {
    if (this.total === this.buffer.length) {
      if (this.total > this.maxBytes) throw tooLarge(this.path, this.what, this.maxBytes);
      const grown = Buffer.allocUnsafe(Math.min(this.total + CHUNK_BYTES, this.maxBytes + 1));
      this.buffer.copy(grown, 0, 0, this.total);
      this.buffer = grown;
    }
    return [this.buffer, this.total, this.buffer.length - this.total, null];
  }

  /** Counts `bytesRead`; false at the end of the file. */
  advance(bytesRead: number): boolean {
    this.total += bytesRead;
    return bytesRead > 0;
  }

  /** The bytes read (a view, no copy). */
  result(): Buffer {
    if (this.total > this.maxBytes) throw tooLarge(this.path, this.what, this.maxBytes);
    return this.buffer.subarray(0, this.total);
  }
}

function fileKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function tooLarge(path: string, what: string, maxBytes: number, size?: number): FormatError {
  const actual = size === undefined ? `more than ${maxBytes} bytes` : `${size} bytes`;
  return new FormatError(`${path}: the ${what} is ${actual}, over the limit of ${maxBytes} bytes`);
}

function readFailure(path: string, what: string, err: unknown): FormatError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const detail = code === 'EISDIR' ? 'it is a directory' : (err as Error)?.message ?? String(err);
  return new FormatError(`cannot read ${path} (the ${what}): ${detail}`);
}
