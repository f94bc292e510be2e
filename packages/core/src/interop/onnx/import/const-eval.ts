import { DataType } from '../proto/onnx-proto';
import type { ConstTensor } from '../proto/tensor-data';
import { FormatError } from '../../../errors';

/**
 * Evaluation of the shape and indexing operators on constant tensors, so that the weight-reordering
 * chains torch writes without constant folding (`Slice` → `Concat` → `Unsqueeze` on each weight)
 * become the constant weights they compute. Values are row-major `Float64Array`s whatever the data
 * type (see `ConstTensor`).
 */

/** Row-major strides of `dims`. */
function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1] * dims[i + 1];
  return s;
}

/** Calls `visit(flatIndex, multiIndex)` for every element of a tensor of `dims`, in row-major order. */
function forEachIndex(dims: readonly number[], visit: (flat: number, index: number[]) => void): void {
  const size = dims.reduce((a, b) => a * b, 1);
  const index = new Array<number>(dims.length).fill(0);
  for (let flat = 0; flat < size; flat++) {
    visit(flat, index);
    for (let d = dims.length - 1; d >= 0; d--) {
      if (++index[d] < dims[d]) break;
      index[d] = 0;
    }
  }
}

/** A tensor of `dims` whose element at each index is `source[sourceIndex(index)]`. */
function remap(t: ConstTensor, dims: number[], sourceIndex: (index: number[]) => number[]): ConstTensor {
  const from = strides(t.dims);
  const values = new Float64Array(dims.reduce((a, b) => a * b, 1));
  forEachIndex(dims, (flat, index) => {
    const src = sourceIndex(index);
    let at = 0;
    for (let d = 0; d < src.length; d++) at += src[d] * from[d];
    values[flat] = t.values[at];
  });
  return { dims, dataType: t.dataType, values };
}

/** A negative axis counted from the end; an axis out of range is an error naming the operator. */
export function normalizeAxis(axis: number, rank: number, op: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new FormatError(`${op}: axis ${axis} is out of range for rank ${rank}`);
  return a;
}

export function transpose(t: ConstTensor, perm: readonly number[] | undefined): ConstTensor {
  const p = perm ?? t.dims.map((_, i) => t.dims.length - 1 - i);
  return remap(t, p.map((d) => t.dims[d]), (index) => {
    const src = new Array<number>(p.length);
    p.forEach((d, i) => (src[d] = index[i]));
    return src;
  });
}

/** ONNX `Slice` (any number of axes, negative steps). */
export function slice(t: ConstTensor, starts: number[], ends: number[], axes: number[] | undefined, steps: number[] | undefined): ConstTensor {
  const rank = t.dims.length;
  const begin = new Array<number>(rank).fill(0);
  const step = new Array<number>(rank).fill(1);
  const dims = [...t.dims];
  (axes ?? starts.map((_, i) => i)).forEach((axis, i) => {
    const a = normalizeAxis(axis, rank, 'Slice');
    const n = t.dims[a];
    const s = steps?.[i] ?? 1;
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
    const start = s > 0 ? clamp(starts[i], 0, n) : clamp(starts[i], 0, n - 1);
    const end = s > 0 ? clamp(ends[i], 0, n) : clamp(ends[i], -1, n - 1);
    begin[a] = start;
    step[a] = s;
    dims[a] = Math.max(0, Math.ceil((end - start) / s));
  });
  return remap(t, dims, (index) => index.map((k, d) => begin[d] + k * step[d]));
}

export function concat(ts: readonly ConstTensor[], axis: number): ConstTensor {
  const rank = ts[0].dims.length;
  const a = normalizeAxis(axis, rank, 'Concat');
  const dims = [...ts[0].dims];
  dims[a] = ts.reduce((n, t) => n + t.dims[a], 0);
  const values = new Float64Array(dims.reduce((x, y) => x * y, 1));
  const outer = dims.slice(0, a).reduce((x, y) => x * y, 1);
  let offset = 0;
  for (let o = 0; o < outer; o++) {
    for (const t of ts) {
      const chunk = t.values.length / outer;
      values.set(t.values.subarray(o * chunk, (o + 1) * chunk), offset);
      offset += chunk;
    }
  }
  return { dims, dataType: ts[0].dataType, values };
}

/** ONNX `Gather` along `axis` (indices of any shape, negative indices from the end). */
export function gather(t: ConstTensor, indices: ConstTensor, axis: number): ConstTensor {
  const a = normalizeAxis(axis, t.dims.length, 'Gather');
  const n = t.dims[a];
  const dims = [...t.dims.slice(0, a), ...indices.dims, ...t.dims.slice(a + 1)];
  const k = indices.dims.length;
  const at = strides(indices.dims);
  return remap(t, dims, (index) => {
    let flat = 0;
    for (let d = 0; d < k; d++) flat += index[a + d] * at[d];
    const i = indices.values[flat];
    const wrapped = i < 0 ? i + n : i;
    if (wrapped < 0 || wrapped >= n) throw new FormatError(`Gather: index ${i} is out of range for a dimension of ${n}`);
    return [...index.slice(0, a), wrapped, ...index.slice(a + k)];
  });
}

/** The same values under new dims (ONNX `Reshape`: 0 copies a dim unless `allowZero`, −1 is inferred). */
export function reshape(t: ConstTensor, shape: readonly number[], allowZero: boolean): ConstTensor {
  const dims = shape.map((d, i) => (d === 0 && !allowZero ? t.dims[i] : d));
  const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const inferred = dims.map((d) => (d === -1 ? t.values.length / known : d));
  if (inferred.reduce((a, b) => a * b, 1) !== t.values.length || inferred.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new FormatError(`Reshape: cannot reshape [${t.dims.join(', ')}] to [${shape.join(', ')}]`);
  }
  return { dims: inferred, dataType: t.dataType, values: t.values };
}

/** ONNX `Unsqueeze`: inserts size-1 axes (`axes` refer to the output's rank). */
export function unsqueeze(t: ConstTensor, axes: readonly number[]): ConstTensor {
  const rank = t.dims.length + axes.length;
  const inserted = new Set(axes.map((a) => normalizeAxis(a, rank, 'Unsqueeze')));
  const dims: number[] = [];
  let k = 0;
  for (let d = 0; d < rank; d++) dims.push(inserted.has(d) ? 1 : t.dims[k++]);
  return { dims, dataType: t.dataType, values: t.values };
}

/** ONNX `Squeeze`: removes the given size-1 axes, or every size-1 axis. */
export function squeeze(t: ConstTensor, axes: readonly number[] | undefined): ConstTensor {
  const removed = new Set((axes ?? t.dims.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => normalizeAxis(a, t.dims.length, 'Squeeze')));
  return { dims: t.dims.filter((_, i) => !removed.has(i)), dataType: t.dataType, values: t.values };
}

/** ONNX `Cast` between numeric types: float → int truncates toward zero, → float rounds to float32. */
export function cast(t: ConstTensor, to: number): ConstTensor {
  const integer = to !== DataType.FLOAT && to !== DataType.DOUBLE;
  const convert = to === DataType.FLOAT ? Math.fround : integer ? Math.trunc : (v: number) => v;
  return { dims: t.dims, dataType: to, values: t.values.map((v) => (to === DataType.BOOL ? (v !== 0 ? 1 : 0) : convert(v))) };
}
