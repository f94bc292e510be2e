import { createHash } from 'node:crypto';
import { FormatError } from '../errors';
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
    // DataView writes little-endian on any host, so files are portable.
    for (let i = 0; i < b.values.length; i++) bytes.writeFloatLE(b.values[i], offset + 4 * i);
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
    for (let i = 0; i < e.length; i++) values[i] = bytes.readFloatLE(e.offset + 4 * i);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new FormatError(`${path}: weight '${e.name}' holds ${values[bad]} at index ${bad}; a saved model must be finite`);
    out.set(e.name, { name: e.name, shape: e.shape, values });
  }
  return out;
}

/** Hex SHA-256 of `bytes`. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
