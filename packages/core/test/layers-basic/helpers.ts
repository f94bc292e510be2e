import { getBackend } from '../../src/backend/select';
import type { Layer, RunContext } from '../../src/layers/layer';
import { Random } from '../../src/random';
import { Tensor } from '../../src/tensor';

/** A run context on the active backend (the fallback in tests until the addon is built). */
export function runContext(training: boolean, seed = 7): RunContext {
  return { backend: getBackend(), training, rng: new Random(seed) };
}

/** A tensor of uniform values in [low, high). */
export function randomTensor(shape: number[], rng: Random, low = -1, high = 1): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = rng.uniform(low, high);
  return new Tensor(data, shape);
}

/** Σ r·y for a fixed random projection `r`: a scalar objective whose dL/dy is `r`. */
export async function projectedLoss(layer: Layer, x: Tensor, r: Float32Array): Promise<number> {
  const { y } = await layer.forward(x, null, runContext(false));
  let sum = 0;
  for (let i = 0; i < y.size; i++) sum += y.data[i] * r[i];
  return sum;
}

/**
 * Central finite difference of `f` with respect to `values[i]` (changed in place and restored).
 * float32 storage limits accuracy to about 1e-7 · |f| / eps.
 */
export async function finiteDifference(values: Float32Array, i: number, f: () => Promise<number>, eps = 1e-2): Promise<number> {
  const original = values[i];
  values[i] = original + eps;
  const plus = await f();
  values[i] = original - eps;
  const minus = await f();
  values[i] = original;
  return (plus - minus) / (2 * eps);
}
