import { RowCopier } from '../layers/sequence-layout';
import { Tensor } from '../tensor';
import { ShapeError } from '../errors';

/** Values per sample: the product of every axis but the batch axis. */
export function sampleSize(t: Tensor): number {
  return t.shape.slice(1).reduce((a, b) => a * b, 1);
}

/** Samples of at least this many values are copied with one `set` each (a memcpy beats a loop). */
const LARGE_SAMPLE = 512;

/**
 * Rows `order[start..end)` of `t` (batch axis first), copied into `out` when given (a buffer of
 * `(end − start) · sampleSize(t)` values the caller reuses), else into a new buffer.
 */
export function takeRows(t: Tensor, order: ArrayLike<number>, start: number, end: number, out?: Float32Array): Tensor {
  const size = sampleSize(t);
  const rows = end - start;
  if (out !== undefined && out.length !== rows * size) {
    throw new ShapeError(`takeRows: out has ${out.length} values, ${rows} rows of ${size} need ${rows * size}`);
  }
  const dst = out ?? new Float32Array(rows * size); // [end − start, …sample]
  if (size >= LARGE_SAMPLE) {
    for (let r = start; r < end; r++) {
      const src = order[r] * size;
      dst.set(t.data.subarray(src, src + size), (r - start) * size);
    }
  } else {
    // Short samples (targets, small windows): a copy loop, without a subarray object per row.
    const copier = new RowCopier(t.data, dst, size);
    for (let r = start; r < end; r++) copier.copy(order[r], r - start);
  }
  return new Tensor(dst, [rows, ...t.shape.slice(1)]);
}

/** Rows `[start, end)` of `t` in order, as a view (no copy). */
export function sliceRows(t: Tensor, start: number, end: number): Tensor {
  const size = sampleSize(t);
  return new Tensor(t.data.subarray(start * size, end * size), [end - start, ...t.shape.slice(1)]);
}

/** Concatenates tensors along the batch axis; every part has the same sample shape. */
export function concatRows(parts: readonly Tensor[]): Tensor {
  const rows = parts.reduce((n, p) => n + p.shape[0], 0);
  const out = new Float32Array(parts.reduce((n, p) => n + p.size, 0)); // [rows, …sample]
  let offset = 0;
  for (const p of parts) {
    out.set(p.data, offset);
    offset += p.size;
  }
  return new Tensor(out, [rows, ...parts[0].shape.slice(1)]);
}

/** 0, 1, …, n − 1. */
export function identityOrder(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/** Lets timers, I/O and progress output run between batches. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
