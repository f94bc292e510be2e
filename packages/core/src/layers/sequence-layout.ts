import type { DataPasses } from '@rnn/backend-api';
import { RowCopier, dataPasses as typescriptPasses } from '@rnn/fallback';
import { ShapeError } from '../errors';

export { RowCopier };

/**
 * Layout helpers at the boundary between the public batch-first API (`[batch, steps, features]`)
 * and the time-major kernels (`[steps, batch, features]`). They write into `out` when given (a
 * buffer the caller reuses), else into a new buffer, and return it. Features are contiguous in
 * both layouts, so every helper copies whole feature rows.
 */

/**
 * Swaps the two leading axes of `src [A, C, F]` into `out [C, A, F]`; the same function converts
 * batch-first to time-major and back.
 */
export function swapLeadingAxes(src: Float32Array, a: number, c: number, f: number, out?: Float32Array): Float32Array {
  return toTimeMajor(src, a, c, f, out, false);
}

/**
 * Batch-first `src [B, T, F]` to time-major `out [T, B, F]`; with `reverse`, step t of the output is
 * step T−1−t of the input (a time flip and a transpose in one pass). `passes` does the copy: the
 * active backend's where the caller has it (a model's input, in C++ on native), else TypeScript.
 */
export function toTimeMajor(
  src: Float32Array,
  b: number,
  t: number,
  f: number,
  out?: Float32Array,
  reverse = false,
  passes: DataPasses = typescriptPasses,
): Float32Array {
  const dst = checkedOut(src, out);
  if (sameOrder(b, t, reverse)) return copyWhole(src, dst);
  passes.toTimeMajor(src, b, t, f, dst, reverse);
  return dst;
}

/**
 * Time-major `src [T, B, F]` to batch-first `out [B, T, F]`; with `reverse`, step t of the output is
 * step T−1−t of the input.
 */
export function toBatchFirst(src: Float32Array, t: number, b: number, f: number, out?: Float32Array, reverse = false): Float32Array {
  const dst = checkedOut(src, out);
  if (sameOrder(b, t, reverse)) return copyWhole(src, dst);
  const rows = new RowCopier(src, dst, f);
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < t; j++) rows.copy((reverse ? t - 1 - j : j) * b + i, i * t + j);
  }
  return dst;
}

/** One step (a flip of one step is no flip), or one sequence not flipped: both layouts hold the rows in the same order. */
function sameOrder(b: number, t: number, reverse: boolean): boolean {
  return t === 1 || (b === 1 && !reverse);
}

/** `src` into `dst` as one block (a memcpy: every bit pattern survives). */
function copyWhole(src: Float32Array, dst: Float32Array): Float32Array {
  dst.set(src);
  return dst;
}

function checkedOut(src: Float32Array, out: Float32Array | undefined): Float32Array {
  if (out === undefined) return new Float32Array(src.length);
  if (out.length !== src.length) throw new ShapeError(`layout copy: out has ${out.length} values, src ${src.length}`);
  if (out.buffer === src.buffer) throw new ShapeError('layout copy: out must not share memory with src');
  return out;
}

/** `src [rows, cols]` transposed to `[cols, rows]` (Keras kernel layout ↔ PyTorch weight layout). */
export function transpose2d(src: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(src.length); // [cols, rows]
  // In square tiles, so both the reads and the strided writes stay in cache on large weights.
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(rows, r0 + TILE);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(cols, c0 + TILE);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out[c * rows + r] = src[r * cols + c];
    }
  }
  return out;
}

/** Tile edge of `transpose2d` (32 × 32 floats = 4 KB). */
const TILE = 32;

/** Reverses the time axis of a batch-first `src [B, T, F]`. */
export function flipSteps(src: Float32Array, b: number, t: number, f: number): Float32Array {
  const out = new Float32Array(src.length); // [B, T, F]
  const rows = new RowCopier(src, out, f);
  for (let i = 0; i < b; i++) for (let j = 0; j < t; j++) rows.copy(i * t + j, i * t + (t - 1 - j));
  return out;
}

/** Reverses the time axis of a time-major `src [T, B, F]` into `out` (or a new buffer). */
export function flipTime(src: Float32Array, t: number, b: number, f: number, out?: Float32Array): Float32Array {
  const dst = checkedOut(src, out);
  const steps = new RowCopier(src, dst, b * f);
  for (let j = 0; j < t; j++) steps.copy(j, t - 1 - j);
  return dst;
}

/** Batch-first step mask `[B, T]` to the kernel's time-major `[T, B]`. */
export function maskToTimeMajor(mask: Float32Array, b: number, t: number): Float32Array {
  return swapLeadingAxes(mask, b, t, 1);
}

/** Zeroes, in place, the rows of `src [B, T, F]` whose step is padding in `mask [B, T]`. */
export function zeroMaskedSteps(src: Float32Array, mask: Float32Array, f: number): void {
  for (let i = 0; i < mask.length; i++) if (mask[i] === 0) src.fill(0, i * f, (i + 1) * f);
}
