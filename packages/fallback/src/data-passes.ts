import type { DataPasses, ValueScan } from '@rnn/backend-api';

/**
 * The whole-array passes in TypeScript: the finite check of model data, the copy from the public
 * batch-first layout into the kernels' time-major one, and the scan of weights and optimizer state
 * after a training step. The native backend runs the same passes in C++ (the same fingerprint);
 * `@rnn/core`'s layout helpers copy rows with `RowCopier` too.
 */

/** Values per block of the finite check: a block whose sum is not 0 is searched value by value. */
const FINITE_BLOCK = 4096;

/**
 * The index of the first NaN or ±Infinity in `values`, or −1. `v · 0` is ±0 for a finite `v` and NaN
 * otherwise, and a NaN survives any sum, so each block is four independent sums (no branch per value,
 * no chain of dependent additions): twice as fast as testing every value with `Number.isFinite`.
 */
export function firstNonFinite(values: Float32Array): number {
  const n = values.length;
  for (let start = 0; start < n; start += FINITE_BLOCK) {
    const end = Math.min(n, start + FINITE_BLOCK);
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let i = start;
    for (; i + 3 < end; i += 4) {
      s0 += values[i] * 0;
      s1 += values[i + 1] * 0;
      s2 += values[i + 2] * 0;
      s3 += values[i + 3] * 0;
    }
    for (; i < end; i++) s0 += values[i] * 0;
    if (s0 + s1 + s2 + s3 !== 0) {
      for (let k = start; k < end; k++) if (!Number.isFinite(values[k])) return k;
    }
  }
  return -1;
}

/**
 * Batch-first `src [B, T, F]` into time-major `out [T, B, F]`, bit for bit; with `reverse`, step t
 * of `out` is step T−1−t of `src`. The caller checks that the lengths fit and the buffers differ.
 */
export function toTimeMajor(src: Float32Array, B: number, T: number, F: number, out: Float32Array, reverse: boolean): void {
  const rows = new RowCopier(src, out, F);
  for (let j = 0; j < T; j++) {
    const from = reverse ? T - 1 - j : j; // source step
    for (let i = 0; i < B; i++) rows.copy(i * T + from, j * B + i);
  }
}

/** Exponent bits of a float32: all ones means ±Infinity or NaN. */
const EXPONENT = 0x7f800000;

/**
 * One pass over float32 arrays: finds the first non-finite value and hashes every bit pattern
 * (FNV-1a style over four interleaved lanes, so the multiplications do not wait on each other). The
 * trainer scans weights and optimizer state after every step, so this stays one cheap sweep.
 */
export function scanValues(arrays: readonly Float32Array[]): ValueScan {
  let h0 = 0x811c9dc5;
  let h1 = 0x01000193;
  let h2 = 0x2545f491;
  let h3 = 0x9e3779b9;
  let first: [number, number] | null = null; // the first non-finite value: [array, index]
  for (let a = 0; a < arrays.length; a++) {
    const values = arrays[a];
    const bits = new Uint32Array(values.buffer, values.byteOffset, values.length); // same memory, read as bits
    const n = bits.length;
    let worst = 0; // OR of the exponent fields that are all ones (non-zero: a non-finite value is here)
    let i = 0;
    for (; i + 3 < n; i += 4) {
      const b0 = bits[i];
      const b1 = bits[i + 1];
      const b2 = bits[i + 2];
      const b3 = bits[i + 3];
      h0 = Math.imul(h0 ^ b0, 0x01000193);
      h1 = Math.imul(h1 ^ b1, 0x01000193);
      h2 = Math.imul(h2 ^ b2, 0x01000193);
      h3 = Math.imul(h3 ^ b3, 0x01000193);
      worst |= +((b0 & EXPONENT) === EXPONENT) | +((b1 & EXPONENT) === EXPONENT) | +((b2 & EXPONENT) === EXPONENT) | +((b3 & EXPONENT) === EXPONENT);
    }
    for (; i < n; i++) {
      h0 = Math.imul(h0 ^ bits[i], 0x01000193);
      worst |= +((bits[i] & EXPONENT) === EXPONENT);
    }
    h1 = Math.imul(h1 ^ n, 0x01000193); // lengths count too: [1, 2] + [3] differs from [1] + [2, 3]
    if (worst !== 0 && first === null) first = [a, firstNonFinite(values)];
  }
  return { fingerprint: (h0 ^ Math.imul(h1, 3) ^ Math.imul(h2, 5) ^ Math.imul(h3, 7)) >>> 0, firstNonFinite: first };
}

/** The fallback backend's `DataPasses`. */
export const dataPasses: DataPasses = { firstNonFinite, toTimeMajor, scanValues };

/**
 * Copies feature rows (`f` values) from `src` row r to `dst` row s, bit for bit. Rows of an even
 * length in 8-byte-aligned buffers are copied two floats at a time through float64 views (a plain
 * load/store, no arithmetic, so every bit pattern survives, NaN payloads included); others one float
 * at a time. A loop beats `set(subarray(…))` here: each subarray is an allocation and each `set` a
 * builtin call, which cost more than copying a row of a few hundred floats.
 */
export class RowCopier {
  private readonly wide: boolean;
  private readonly s32: Float32Array;
  private readonly d32: Float32Array;
  private readonly s64: Float64Array;
  private readonly d64: Float64Array;
  private readonly n: number;

  constructor(src: Float32Array, dst: Float32Array, f: number) {
    this.wide = f % 2 === 0 && src.byteOffset % 8 === 0 && dst.byteOffset % 8 === 0 && src.length % 2 === 0 && dst.length % 2 === 0;
    this.s32 = src;
    this.d32 = dst;
    this.s64 = this.wide ? new Float64Array(src.buffer, src.byteOffset, src.length / 2) : EMPTY64;
    this.d64 = this.wide ? new Float64Array(dst.buffer, dst.byteOffset, dst.length / 2) : EMPTY64;
    this.n = this.wide ? f / 2 : f;
  }

  /** Row `from` of the source to row `to` of the destination. */
  copy(from: number, to: number): void {
    const n = this.n;
    if (this.wide) copyF64(this.s64, from * n, this.d64, to * n, n);
    else copyF32(this.s32, from * n, this.d32, to * n, n);
  }
}

const EMPTY64 = new Float64Array(0);

function copyF64(src: Float64Array, from: number, dst: Float64Array, to: number, n: number): void {
  for (let k = 0; k < n; k++) dst[to + k] = src[from + k];
}

function copyF32(src: Float32Array, from: number, dst: Float32Array, to: number, n: number): void {
  for (let k = 0; k < n; k++) dst[to + k] = src[from + k];
}
