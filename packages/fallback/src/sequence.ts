/**
 * Pieces the three recurrent kernels share outside their time loop (which is `sequence-loop.ts`):
 * time order, bias rows and bias sums, and the all-steps weight gradients. The kernels are
 * time-major: step t of a `[T, B, X]` buffer is the contiguous block at `t·B·X`.
 */
import { toTimeMajor } from './data-passes';
import { sgemm } from './gemm';
import { scratch, zeroedScratch64 } from './scratch';

/** Time index of the `s`-th step processed: s, or T−1−s for a reverse direction. */
export function timeAt(s: number, T: number, reverse: boolean): number {
  return reverse ? T - 1 - s : s;
}

/**
 * rows [rows, width] starting at `off` ← the vector `v` (or zeros when `v` is null), with `extra`
 * added on its first `extraLen` columns when given: how the input projection starts from its biases.
 */
export function fillRowsWithBias(
  out: Float32Array,
  off: number,
  rows: number,
  width: number,
  v: Float32Array | null,
  extra: Float32Array | null,
  extraLen: number,
): void {
  if (v === null && extra === null) {
    out.fill(0, off, off + rows * width);
    return;
  }
  // First row holds the summed bias, every other row copies it.
  for (let j = 0; j < width; j++) {
    let s = v === null ? 0 : v[j];
    if (extra !== null && j < extraLen) s += extra[j];
    out[off + j] = s;
  }
  for (let r = 1; r < rows; r++) out.copyWithin(off + r * width, off, off + width);
}

/**
 * out [T, B, N] += X · Wᵀ for every step at once, `w [N, I]`: time-major whatever `x`'s layout,
 * `x [T, B, I]` or, `batchFirst`, `[B, T, I]`. A batch-first x is transposed into scratch first, so
 * the GEMM and every value are those of the time-major call (the native backend does the same).
 */
export function projectInputs(
  out: Float32Array,
  x: Float32Array,
  w: Float32Array,
  T: number,
  B: number,
  I: number,
  N: number,
  batchFirst: boolean,
): void {
  let rows = x; // [T, B, I]
  if (batchFirst && B > 1 && T > 1) {
    rows = scratch('sequence.timeMajorInput', T * B * I);
    toTimeMajor(x, B, T, I, rows, false);
  }
  sgemm(false, true, T * B, N, I, 1, rows, 0, I, w, 0, I, 1, out, 0, N);
}

/**
 * dst[dstOff + j] += Σ_r src[srcOff + r·ld + j] for j < cols: a bias gradient, summed in float64
 * over all T·B rows before the single float32 rounding. `also`, when given, gets the same sums at
 * the same offset (b_ih and b_hh receive the same gradient wherever they sit side by side).
 */
export function addColumnSums(
  dst: Float32Array,
  dstOff: number,
  src: Float32Array,
  srcOff: number,
  rows: number,
  ld: number,
  cols: number,
  also: Float32Array | null = null,
): void {
  const sums = zeroedScratch64('sequence.columnSums', cols); // [cols]
  for (let r = 0; r < rows; r++) {
    const o = srcOff + r * ld;
    for (let j = 0; j < cols; j++) sums[j] += src[o + j];
  }
  for (let j = 0; j < cols; j++) dst[dstOff + j] += sums[j];
  if (also !== null) for (let j = 0; j < cols; j++) also[dstOff + j] += sums[j];
}

/**
 * out [T, B, H] ← the hidden state that entered each step's recurrent GEMM, `m ⊙ h_{t-1}`:
 * `hInit` for the first step processed, else `y` at the previous step processed; `m` is the
 * recurrent mask [B, H] or 1. Backward multiplies this by dGates to get dW_hh in one GEMM.
 */
export function gatherRecurrentInputs(
  out: Float32Array,
  y: Float32Array,
  hInit: Float32Array,
  recurrentMask: Float32Array | null,
  T: number,
  B: number,
  H: number,
  reverse: boolean,
): void {
  const BH = B * H;
  for (let s = 0; s < T; s++) {
    const t = timeAt(s, T, reverse);
    const src = s === 0 ? hInit : y;
    const srcOff = s === 0 ? 0 : timeAt(s - 1, T, reverse) * BH;
    const dst = t * BH;
    if (recurrentMask === null) {
      copyRange(out, dst, src, srcOff, BH);
    } else {
      for (let k = 0; k < BH; k++) out[dst + k] = src[srcOff + k] * recurrentMask[k];
    }
  }
}

/** out[0, n) ← a[aOff, aOff+n) ⊙ m[0, n), the recurrent-masked hidden state of one step. */
export function multiplyInto(out: Float32Array, a: Float32Array, aOff: number, m: Float32Array, n: number): void {
  for (let k = 0; k < n; k++) out[k] = a[aOff + k] * m[k];
}

/** dst[dstOff, dstOff+n) ← src[srcOff, srcOff+n), without the view object `subarray` would allocate. */
export function copyRange(dst: Float32Array, dstOff: number, src: Float32Array, srcOff: number, n: number): void {
  for (let k = 0; k < n; k++) dst[dstOff + k] = src[srcOff + k];
}

/**
 * After the backward time loop, all steps at once: dX = dGates · W_ih, dW_ih += dGatesᵀ · X,
 * dW_hh += dGatesᵀ · (m ⊙ H_prev), and the bias sums (b_ih and b_hh enter every gate the same
 * way, so one sum serves both). For cells whose every gate sees W_hh·h the same way (LSTM,
 * SimpleRNN); GRU's n gate differs and has its own.
 */
export function accumulateWeightGradients(
  dx: Float32Array | null, // [T, B, I], overwritten
  dWIh: Float32Array, // [G, I] +=
  dWHh: Float32Array, // [G, H] +=
  dBIh: Float32Array | null, // [G] +=
  dBHh: Float32Array | null, // [G] +=
  dGates: Float32Array, // [T, B, G]
  x: Float32Array, // [T, B, I]
  wIh: Float32Array, // [G, I]
  y: Float32Array, // [T, B, H]
  hInit: Float32Array, // [B, H]
  recurrentMask: Float32Array | null, // [B, H]
  T: number,
  B: number,
  I: number,
  H: number,
  G: number,
  reverse: boolean,
): void {
  const TB = T * B;
  if (dx !== null) sgemm(false, false, TB, I, G, 1, dGates, 0, G, wIh, 0, I, 0, dx, 0, I);
  sgemm(true, false, G, I, TB, 1, dGates, 0, G, x, 0, I, 1, dWIh, 0, I);
  const hPrevAll = scratch('sequence.hPrevAll', TB * H); // [T, B, H] m ⊙ h_{t-1} of every step
  gatherRecurrentInputs(hPrevAll, y, hInit, recurrentMask, T, B, H, reverse);
  sgemm(true, false, G, H, TB, 1, dGates, 0, G, hPrevAll, 0, H, 1, dWHh, 0, H);
  if (dBIh !== null) addColumnSums(dBIh, 0, dGates, 0, TB, G, G, dBHh);
  else if (dBHh !== null) addColumnSums(dBHh, 0, dGates, 0, TB, G, G);
}
