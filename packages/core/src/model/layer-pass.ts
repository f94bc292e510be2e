import type { Layer, LayerOutput, RunContext } from '../layers/layer';
import { asTensor, type LayerValue } from '../layers/time-major';
import type { Tensor } from '../tensor';

/**
 * Runs `x` through every layer in order, handing each layer's step mask to the next. Returns the
 * final output and its step mask (`[batch, steps]`, or null), which the loss and metrics honour.
 * A sequence passes from one layer to the next time-major when the next one reads it so (see
 * `Layer.readsTimeMajor`): a stack of recurrent layers transposes only at its ends.
 */
export async function forwardLayers(layers: readonly Layer[], x: Tensor, ctx: RunContext): Promise<LayerOutput> {
  let y: LayerValue = x;
  let mask: Float32Array | null = null;
  for (let i = 0; i < layers.length; i++) {
    const out = await layers[i].forwardValue(y, mask, ctx, i + 1 < layers.length && layers[i + 1].readsTimeMajor);
    y = out.y;
    mask = out.mask;
  }
  return { y: asTensor(y), mask };
}

/**
 * Back-propagates `dy` through the layers in reverse order, accumulating parameter gradients.
 * Stops early when a layer's input is not differentiable (an Embedding returns `null`). The first
 * layer is told that nobody needs its input gradient, so it can skip computing it (for a recurrent
 * layer, the kernel's dX GEMM and the copy back to batch-first). Input gradients stay time-major
 * where the layer before reads sequences time-major, mirroring the forward pass.
 */
export async function backwardLayers(layers: readonly Layer[], dy: Tensor, ctx: RunContext): Promise<void> {
  let grad: LayerValue | null = dy;
  for (let i = layers.length - 1; i >= 0 && grad !== null; i--) {
    grad = await layers[i].backwardValue(grad, ctx, i > 0, i > 0 && layers[i - 1].readsTimeMajor);
  }
}
