import type { AdamConstants, OptimizerUpdates } from '@rnn/backend-api';

/**
 * The optimizers' per-weight updates in TypeScript. The native backend runs the same arithmetic in
 * C++, in the same order and precision, so both train to the same bits.
 */

/**
 * One Adam update of one parameter, PyTorch's arithmetic: `m = β1·m + (1 − β1)·g`,
 * `v = β2·v + (1 − β2)·g²`, `p −= stepSize · m / (√v / correction2Sqrt + ε)`; with AMSGrad
 * `vMax = max(vMax, v)` replaces `v` in the denominator. Shared by Adam and AdamW.
 */
export function adamUpdate(
  value: Float32Array, // [size]
  grad: Float32Array, // [size]
  m: Float32Array, // [size] first moment
  v: Float32Array, // [size] second moment
  vMax: Float32Array | null, // [size] running max of v (AMSGrad only)
  c: AdamConstants,
): void {
  // Constants in locals, and the AMSGrad branch outside the loop: this runs over every weight once
  // per batch. The arithmetic, and so every result, is the same in both loops.
  const { stepSize, correction2Sqrt, beta1, beta2, epsilon, l2 } = c;
  const keep1 = 1 - beta1;
  const keep2 = 1 - beta2;
  const n = value.length;
  if (vMax) {
    for (let i = 0; i < n; i++) {
      const g = grad[i] + l2 * value[i];
      const mi = (m[i] = Math.fround(beta1 * m[i] + keep1 * g));
      const vi = (v[i] = Math.fround(beta2 * v[i] + keep2 * g * g));
      const second = (vMax[i] = Math.max(vMax[i], vi));
      value[i] -= (stepSize * mi) / (Math.sqrt(second) / correction2Sqrt + epsilon);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const g = grad[i] + l2 * value[i];
    // fround: the moments are read back as the float32 values just stored.
    const mi = (m[i] = Math.fround(beta1 * m[i] + keep1 * g));
    const vi = (v[i] = Math.fround(beta2 * v[i] + keep2 * g * g));
    value[i] -= (stepSize * mi) / (Math.sqrt(vi) / correction2Sqrt + epsilon);
  }
}

/** The fallback backend's `OptimizerUpdates`. */
export const optimizerUpdates: OptimizerUpdates = { adam: adamUpdate };
