import { Tensor } from '../tensor';

/** Values per sample: the product of every axis but the batch axis. */
export function sampleSize(t: Tensor): number {
  return t.shape.slice(1).reduce((a, b) => a * b, 1);
}

/** Rows `order[start..end)` of `t` (batch axis first), copied into a new tensor. */
export function takeRows(t: Tensor, order: ArrayLike<number>, start: number, end: number): Tensor {
  const size = sampleSize(t);
  const out = new Float32Array((end - start) * size); // [end − start, …sample]
  for (let r = start; r < end; r++) {
    const src = order[r] * size;
    out.set(t.data.subarray(src, src + size), (r - start) * size);
  }
  return new Tensor(out, [end - start, ...t.shape.slice(1)]);
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
