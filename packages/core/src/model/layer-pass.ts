import type { Layer, LayerOutput, RunContext } from '../layers/layer';
import type { Tensor } from '../tensor';

/**
 * Runs `x` through every layer in order, handing each layer's step mask to the next. Returns the
 * final output and its step mask (`[batch, steps]`, or null), which the loss and metrics honour.
 */
export async function forwardLayers(layers: readonly Layer[], x: Tensor, ctx: RunContext): Promise<LayerOutput> {
  let y = x;
  let mask: Float32Array | null = null;
  for (const layer of layers) {
    const out = await layer.forward(y, mask, ctx);
    y = out.y;
    mask = out.mask;
  }
  return { y, mask };
}

/**
 * Back-propagates `dy` through the layers in reverse order, accumulating parameter gradients.
 * Stops early when a layer's input is not differentiable (an Embedding returns `null`). The first
 * layer is told that nobody needs its input gradient, so it can skip computing it (for a recurrent
 * layer, the kernel's dX GEMM and the copy back to batch-first).
 */
export async function backwardLayers(layers: readonly Layer[], dy: Tensor, ctx: RunContext): Promise<void> {
  let grad: Tensor | null = dy;
  for (let i = layers.length - 1; i >= 0 && grad !== null; i--) {
    grad = await layers[i].backward(grad, ctx, i > 0);
  }
}
