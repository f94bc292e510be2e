/**
 * A trainable weight: its value and its gradient, same shape, both owned by the layer.
 * Kernels accumulate into `grad` (`+=`); the trainer zeroes every `grad` once per batch.
 */
export interface Parameter {
  /** PyTorch-style name within its layer, e.g. `weight_ih_l0`, `bias`, `weight_ih_l0_reverse`. */
  readonly name: string;
  /** Shape in PyTorch's layout, e.g. `[4H, I]`. */
  readonly shape: readonly number[];
  /** Values, row-major. Updated in place by optimizers. */
  readonly value: Float32Array;
  /** Gradient of the loss w.r.t. `value`, same layout. */
  readonly grad: Float32Array;
}
