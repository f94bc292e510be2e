/**
 * Layout helpers at the boundary between the public batch-first API (`[batch, steps, features]`)
 * and the time-major kernels (`[steps, batch, features]`). Each returns a new buffer.
 */

/**
 * Swaps the two leading axes of `src [A, C, F]` into `[C, A, F]`; the same function converts
 * batch-first to time-major and back.
 */
export function swapLeadingAxes(src: Float32Array, a: number, c: number, f: number): Float32Array {
  const out = new Float32Array(src.length); // [C, A, F]
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < c; j++) {
      const from = (i * c + j) * f;
      const to = (j * a + i) * f;
      // Short rows copy faster by hand than through a subarray view.
      if (f < 16) for (let k = 0; k < f; k++) out[to + k] = src[from + k];
      else out.set(src.subarray(from, from + f), to);
    }
  }
  return out;
}

/** `src [rows, cols]` transposed to `[cols, rows]` (Keras kernel layout ↔ PyTorch weight layout). */
export function transpose2d(src: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(src.length); // [cols, rows]
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = src[r * cols + c];
  return out;
}

/** Reverses the time axis of a batch-first `src [B, T, F]`. */
export function flipSteps(src: Float32Array, b: number, t: number, f: number): Float32Array {
  const out = new Float32Array(src.length); // [B, T, F]
  for (let i = 0; i < b; i++) {
    for (let j = 0; j < t; j++) {
      const from = (i * t + j) * f;
      out.set(src.subarray(from, from + f), (i * t + (t - 1 - j)) * f);
    }
  }
  return out;
}

/** Batch-first step mask `[B, T]` to the kernel's time-major `[T, B]`. */
export function maskToTimeMajor(mask: Float32Array, b: number, t: number): Float32Array {
  return swapLeadingAxes(mask, b, t, 1);
}

/** Zeroes, in place, the rows of `src [B, T, F]` whose step is padding in `mask [B, T]`. */
export function zeroMaskedSteps(src: Float32Array, mask: Float32Array, f: number): void {
  for (let i = 0; i < mask.length; i++) if (mask[i] === 0) src.fill(0, i * f, (i + 1) * f);
}
