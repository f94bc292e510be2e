import type { ActivationName, CellKind } from '@rnn/backend-api';

/**
 * Where ONNX's recurrent operators differ from our (PyTorch's) weight layout, in one place for both
 * directions of conversion.
 *
 * Gate blocks: ONNX block k holds our block `ONNX_GATE_BLOCKS[kind][k]`. Ours are PyTorch's
 * (LSTM i, f, g, o; GRU r, z, n), ONNX's are LSTM i, o, f, c and GRU z, r, h. Peepholes: ours are
 * i, f, o, ONNX's `P` is i, o, f.
 */
export const ONNX_GATE_BLOCKS: Readonly<Record<CellKind, readonly number[]>> = {
  lstm: [0, 3, 1, 2],
  gru: [1, 0, 2],
  rnn: [0],
};

/** ONNX peephole block k holds our peephole block `ONNX_PEEPHOLE_BLOCKS[k]`. */
export const ONNX_PEEPHOLE_BLOCKS: readonly number[] = [0, 2, 1];

/** The ONNX operator of each cell kind. */
export const ONNX_RECURRENT_OPS: Readonly<Record<CellKind, string>> = { lstm: 'LSTM', gru: 'GRU', rnn: 'RNN' };

/**
 * Reorders the gate blocks of `src` (`blocks.length` blocks of `blockSize` values each, e.g. the rows
 * of `[G·H, I]` with `blockSize = H·I`): block k of the result is block `blocks[k]` of `src`. Written
 * into `out` at `outOffset`.
 */
export function permuteBlocks(src: ArrayLike<number>, srcOffset: number, blocks: readonly number[], blockSize: number, out: Float32Array, outOffset: number): void {
  for (let k = 0; k < blocks.length; k++) {
    const from = srcOffset + blocks[k] * blockSize;
    const to = outOffset + k * blockSize;
    for (let j = 0; j < blockSize; j++) out[to + j] = src[from + j];
  }
}

/** The inverse permutation: `inverse(p)[p[k]] = k`. */
export function inversePermutation(blocks: readonly number[]): number[] {
  const inverse = new Array<number>(blocks.length);
  blocks.forEach((b, k) => (inverse[b] = k));
  return inverse;
}

/** An ONNX recurrent activation: its name and, where it takes them, alpha and beta. */
export interface OnnxActivation {
  name: string;
  alpha?: number;
  beta?: number;
}

/**
 * Our kernel activations as ONNX recurrent activations. `linear` is `Affine(1, 0)`; `hardSigmoid` is
 * Keras 3's clip(x/6 + 0.5), i.e. `HardSigmoid(1/6, 0.5)` (ONNX's default alpha is 0.2).
 */
export const ONNX_ACTIVATIONS: Readonly<Record<ActivationName, OnnxActivation>> = {
  tanh: { name: 'Tanh' },
  sigmoid: { name: 'Sigmoid' },
  relu: { name: 'Relu' },
  linear: { name: 'Affine', alpha: 1, beta: 0 },
  hardSigmoid: { name: 'HardSigmoid', alpha: 1 / 6, beta: 0.5 },
};
