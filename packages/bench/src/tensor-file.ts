import { readFileSync, writeFileSync } from 'node:fs';

/** A named float32 array and its shape. */
export interface NamedArray {
  shape: number[];
  data: Float32Array;
}

/** First bytes of a bundle file; the Python peer checks them too. */
const MAGIC = 'RNNBENCH1\n';

/**
 * Writes named float32 arrays to one file, so that children and the Python peer share exactly the
 * same weights and inputs. Layout: MAGIC, uint32 LE header length, JSON header
 * `{ entries: [{ name, shape, offset, length }] }` padded with spaces to a multiple of 4 bytes,
 * then the float32 LE data (`offset`/`length` in floats from the start of the data).
 */
export function writeBundle(file: string, arrays: Record<string, NamedArray>): void {
  const entries: { name: string; shape: number[]; offset: number; length: number }[] = [];
  let offset = 0;
  for (const [name, a] of Object.entries(arrays)) {
    entries.push({ name, shape: a.shape, offset, length: a.data.length });
    offset += a.data.length;
  }
  let header = JSON.stringify({ entries });
  const prefix = MAGIC.length + 4;
  while ((prefix + Buffer.byteLength(header)) % 4 !== 0) header += ' ';
  const headerBytes = Buffer.from(header, 'utf8');
  const out = Buffer.alloc(prefix + headerBytes.length + offset * 4);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(headerBytes.length, MAGIC.length);
  headerBytes.copy(out, prefix);
  // The data region is 4-byte aligned, so a Float32Array view can take the values directly.
  const values = new Float32Array(out.buffer, out.byteOffset + prefix + headerBytes.length, offset); // [total floats]
  for (const [i, e] of entries.entries()) values.set(Object.values(arrays)[i].data, e.offset);
  writeFileSync(file, out);
}

/** Reads a file written by `writeBundle`. */
export function readBundle(file: string): Record<string, NamedArray> {
  const buf = readFileSync(file);
  if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC) {
    throw new Error(`${file} is not a bench bundle (expected it to start with ${JSON.stringify(MAGIC)})`);
  }
  const headerLength = buf.readUInt32LE(MAGIC.length);
  const dataStart = MAGIC.length + 4 + headerLength;
  const { entries } = JSON.parse(buf.toString('utf8', MAGIC.length + 4, dataStart)) as {
    entries: { name: string; shape: number[]; offset: number; length: number }[];
  };
  const out: Record<string, NamedArray> = {};
  for (const e of entries) {
    // Copy the bytes out first: the file buffer's offset need not be 4-byte aligned.
    const bytes = new Uint8Array(buf.subarray(dataStart + e.offset * 4, dataStart + (e.offset + e.length) * 4));
    out[e.name] = { shape: e.shape, data: new Float32Array(bytes.buffer) };
  }
  return out;
}
