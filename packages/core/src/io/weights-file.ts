import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import { FormatError } from '../errors';
import { firstNonFinite } from '../finite-values';
import type { WeightEntry, WeightsManifest } from './format';
import { WEIGHTS_BIN } from './format';

/** A named tensor to store: PyTorch-layout values and their shape. */
export interface NamedBuffer {
  name: string;
  shape: readonly number[];
  values: Float32Array;
}

/** Packs tensors back to back as little-endian float32, with their manifest and SHA-256. */
export function packWeights(buffers: readonly NamedBuffer[]): { bytes: Buffer; manifest: WeightsManifest } {
  const total = buffers.reduce((n, b) => n + b.values.length, 0);
  const bytes = Buffer.alloc(total * 4); // [total] float32, little-endian
  const entries: WeightEntry[] = [];
  let offset = 0;
  for (const b of buffers) {
    writeFloats(bytes, offset, b.values);
    entries.push({ name: b.name, shape: [...b.shape], offset, length: b.values.length });
    offset += b.values.length * 4;
  }
  const manifest: WeightsManifest = {
    file: WEIGHTS_BIN,
    dtype: 'float32',
    endianness: 'little',
    byteLength: bytes.length,
    sha256: sha256(bytes),
    entries,
  };
  return { bytes, manifest };
}

/**
 * Checks `bytes` against a manifest already validated by `parseModelFile` (length, checksum, finite
 * values) and returns the tensors by name. Any mismatch is a `FormatError`.
 */
export function unpackWeights(bytes: Buffer, manifest: WeightsManifest, path: string): Map<string, NamedBuffer> {
  if (bytes.length !== manifest.byteLength) {
    throw new FormatError(`${path} has ${bytes.length} bytes but the manifest says ${manifest.byteLength}; the file is truncated or was replaced`);
  }
  const actual = sha256(bytes);
  if (actual !== manifest.sha256) {
    throw new FormatError(`${path} failed its checksum (SHA-256 ${actual}, manifest ${manifest.sha256}); the file is corrupt or was tampered with`);
  }
  const out = new Map<string, NamedBuffer>();
  for (const e of manifest.entries) {
    const values = new Float32Array(e.length); // shape e.shape
    readFloats(bytes, e.offset, values);
    const bad = firstNonFinite(values);
    if (bad >= 0) throw new FormatError(`${path}: weight '${e.name}' holds ${values[bad]} at index ${bad}; a saved model must be finite`);
    out.set(e.name, { name: e.name, shape: e.shape, values });
  }
  return out;
}

/** The file is little-endian; on a little-endian host (nearly all) the bytes are copied as they are. */
const LITTLE_ENDIAN_HOST = endianness() === 'LE';

/** `values` into `bytes` at `offset`, as little-endian float32. */
function writeFloats(bytes: Buffer, offset: number, values: Float32Array): void {
  if (LITTLE_ENDIAN_HOST) {
    bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
    return;
  }
  for (let i = 0; i < values.length; i++) bytes.writeFloatLE(values[i], offset + 4 * i);
}

/** Little-endian float32 from `bytes` at `offset` into `values`. */
function readFloats(bytes: Buffer, offset: number, values: Float32Array): void {
  if (LITTLE_ENDIAN_HOST) {
    new Uint8Array(values.buffer, values.byteOffset, values.byteLength).set(bytes.subarray(offset, offset + values.byteLength));
    return;
  }
  for (let i = 0; i < values.length; i++) values[i] = bytes.readFloatLE(offset + 4 * i);
}

/** Hex SHA-256 of `bytes`. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
