import * as zlib from 'node:zlib';
import bufferCrc32 from 'buffer-crc32';
import { fromBufferPromise, type Entry } from 'yauzl';
import { FormatError } from '../errors';
import { MAX_MODEL_FILE_BYTES } from './model-source';

/** zlib's native CRC-32 where Node has it (20.15 and later), the same checksum in JavaScript before. */
export const crc32: (data: Uint8Array) => number =
  typeof zlib.crc32 === 'function' ? (data) => zlib.crc32(data) : (data) => bufferCrc32.unsigned(Buffer.from(data));

/** True when `bytes` start like a zip archive (a local file header, or the end record of an empty one). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

/**
 * The entries of a zip archive whose names `wanted` accepts, decompressed and checked against the
 * CRC-32 the archive records, as `torch.load` and Python's `zipfile` check them. A truncated or
 * corrupt archive, a bad checksum, or more than `MAX_MODEL_FILE_BYTES` of wanted content is a
 * `FormatError` that starts with `what`.
 */
export async function readZipEntries(
  bytes: Uint8Array,
  what: string,
  wanted: (name: string) => boolean,
): Promise<Map<string, Uint8Array>> {
  const entries = new Map<string, Uint8Array>();
  try {
    const zip = await fromBufferPromise(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      lazyEntries: true,
      strictFileNames: true,
      validateEntrySizes: true,
    });
    let total = 0;
    for await (const entry of zip.eachEntry()) {
      if (!wanted(entry.fileName) || entry.fileName.endsWith('/')) continue;
      // Readers disagree on which of two same-named entries counts (torch takes the first): refuse.
      if (entries.has(entry.fileName)) throw new FormatError(`${what}: the archive holds two entries named '${entry.fileName}'`);
      total += entry.uncompressedSize;
      if (total > MAX_MODEL_FILE_BYTES) throw new FormatError(`${what}: the archive unpacks to more than ${MAX_MODEL_FILE_BYTES} bytes`);
      entries.set(entry.fileName, await readEntry(zip.openReadStreamPromise.bind(zip), entry, what));
    }
  } catch (err) {
    if (err instanceof FormatError) throw err;
    throw new FormatError(`${what}: not a readable zip archive (truncated or corrupt): ${(err as Error).message}`);
  }
  return entries;
}

async function readEntry(
  openStream: (entry: Entry) => Promise<NodeJS.ReadableStream>,
  entry: Entry,
  what: string,
): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of await openStream(entry)) chunks.push(chunk as Buffer);
  const data = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  if (crc32(data) !== entry.crc32) {
    throw new FormatError(`${what}: ${entry.fileName} is corrupt (its CRC-32 does not match the archive's)`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
