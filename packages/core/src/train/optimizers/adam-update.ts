/** Hyper-parameters of one Adam step. */
export interface AdamStep {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Coupled L2 penalty added to the gradient (Adam's `weight_decay`); 0 for AdamW. */
  l2: number;
  /** 1-based step number, for bias correction. */
  step: number;
}

/**
 * One Adam update of one parameter, PyTorch's arithmetic: `m = β1·m + (1 − β1)·g`,
 * `v = β2·v + (1 − β2)·g²`, `p −= (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)`; with AMSGrad
 * `vMax = max(vMax, v)` replaces `v` in the denominator. Shared by Adam and AdamW.
 */
export function adamUpdate(
  value: Float32Array, // [size]
  grad: Float32Array, // [size]
  m: Float32Array, // [size] first moment
  v: Float32Array, // [size] second moment
  vMax: Float32Array | undefined, // [size] running max of v (AMSGrad only)
  s: AdamStep,
): void {
  const stepSize = s.learningRate / (1 - s.beta1 ** s.step);
  const correction2Sqrt = Math.sqrt(1 - s.beta2 ** s.step);
  for (let i = 0; i < value.length; i++) {
    const g = grad[i] + s.l2 * value[i];
    m[i] = s.beta1 * m[i] + (1 - s.beta1) * g;
    v[i] = s.beta2 * v[i] + (1 - s.beta2) * g * g;
    let second = v[i];
    if (vMax) {
      vMax[i] = Math.max(vMax[i], v[i]);
      second = vMax[i];
    }
    value[i] -= (stepSize * m[i]) / (Math.sqrt(second) / correction2Sqrt + s.epsilon);
  }
}
