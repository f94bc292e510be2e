import type { Dims } from './grid';
import { writeBundle } from './tensor-file';

/** mulberry32: a tiny seeded generator, enough for reproducible bench inputs. */
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes the batch every backend and peer of one (cell, config) runs on: inputs uniform in
 * [−1, 1), targets uniform in [−0.5, 0.5). Shared through a file so all of them see the same numbers.
 */
export function writeBatch(file: string, dims: Dims, seed: number): void {
  const next = mulberry32(seed);
  const x = new Float32Array(dims.B * dims.T * dims.I); // [B, T, I]
  for (let i = 0; i < x.length; i++) x[i] = 2 * next() - 1;
  const y = new Float32Array(dims.B); // [B, 1]
  for (let i = 0; i < y.length; i++) y[i] = next() - 0.5;
  writeBundle(file, { x: { shape: [dims.B, dims.T, dims.I], data: x }, y: { shape: [dims.B, 1], data: y } });
}
