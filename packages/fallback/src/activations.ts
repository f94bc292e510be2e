import type { ActivationName } from '@rnn/backend-api';

/**
 * Pointwise activations over a contiguous range of a buffer. The switch on the activation runs
 * once per range, so the loops the kernels spend their time in hold no call and no branch on the
 * activation. Derivatives are taken from the activation's output `y`, as the contract says:
 * tanh' = 1 − y², sigmoid' = y(1 − y), relu' = [y > 0], linear' = 1,
 * hardSigmoid' = 1/6 where 0 < y < 1 (Keras 3: hardSigmoid(x) = clip(x/6 + 0.5, 0, 1)).
 */

/** v[off, off+len) ← act(v[off, off+len)). */
export function activateInPlace(kind: ActivationName, v: Float32Array, off: number, len: number): void {
  activateInto(kind, v, off, v, off, len);
}

/** out[outOff + j] ← act(src[srcOff + j]) for j < len; `out` may be `src` at the same offset. */
export function activateInto(
  kind: ActivationName,
  src: Float32Array,
  srcOff: number,
  out: Float32Array,
  outOff: number,
  len: number,
): void {
  switch (kind) {
    case 'tanh':
      for (let j = 0; j < len; j++) out[outOff + j] = Math.tanh(src[srcOff + j]);
      return;
    case 'sigmoid':
      for (let j = 0; j < len; j++) out[outOff + j] = 1 / (1 + Math.exp(-src[srcOff + j]));
      return;
    case 'relu':
      // `x < 0 ? 0 : x` keeps NaN as NaN, like torch.relu.
      for (let j = 0; j < len; j++) {
        const x = src[srcOff + j];
        out[outOff + j] = x < 0 ? 0 : x;
      }
      return;
    case 'linear':
      if (out !== src || outOff !== srcOff) for (let j = 0; j < len; j++) out[outOff + j] = src[srcOff + j];
      return;
    case 'hardSigmoid':
      for (let j = 0; j < len; j++) {
        // relu6(x + 3) / 6, PyTorch's and Keras's own formula for clip(x/6 + 0.5, 0, 1).
        const s = src[srcOff + j] + 3;
        out[outOff + j] = s < 0 ? 0 : s > 6 ? 1 : s / 6;
      }
      return;
  }
}

/** g[gOff + j] ← g[gOff + j] · act'(·), with the derivative read from the output y[yOff + j]. */
export function multiplyByDerivative(
  kind: ActivationName,
  y: Float32Array,
  yOff: number,
  g: Float32Array,
  gOff: number,
  len: number,
): void {
  switch (kind) {
    case 'tanh':
      for (let j = 0; j < len; j++) {
        const v = y[yOff + j];
        g[gOff + j] *= 1 - v * v;
      }
      return;
    case 'sigmoid':
      for (let j = 0; j < len; j++) {
        const v = y[yOff + j];
        g[gOff + j] *= v * (1 - v);
      }
      return;
    case 'relu':
      for (let j = 0; j < len; j++) if (!(y[yOff + j] > 0)) g[gOff + j] = 0;
      return;
    case 'linear':
      return;
    case 'hardSigmoid':
      for (let j = 0; j < len; j++) {
        const v = y[yOff + j];
        g[gOff + j] = v > 0 && v < 1 ? g[gOff + j] / 6 : 0;
      }
      return;
  }
}
