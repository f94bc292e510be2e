import { expect } from 'vitest';
import { Tensor, type NestedArray } from '../../src/tensor';
import type { Loss } from '../../src/train/losses';
import type { Parameter } from '../../src/train/parameter';

/** Element-wise `|actual − expected| ≤ atol + rtol·|expected|`, reporting the first mismatch and the max difference. */
export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol = 0): void {
  expect(actual.length).toBe(expected.length);
  let maxDiff = 0;
  let first = -1;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    maxDiff = Math.max(maxDiff, diff);
    if (!(diff <= atol + rtol * Math.abs(expected[i])) && first < 0) first = i;
  }
  if (first >= 0) {
    throw new Error(
      `mismatch at [${first}]: got ${actual[first]}, expected ${expected[first]} (max |diff| ${maxDiff}, atol ${atol}, rtol ${rtol})`,
    );
  }
}

/** Shorthand for `Tensor.fromArray`. */
export const t = (values: NestedArray): Tensor => Tensor.fromArray(values);

/**
 * Central finite differences of `loss.compute` w.r.t. each prediction value. The step actually
 * stored in float32 is used as the denominator, and the loss itself is accumulated in float64.
 */
export function numericLossGradient(loss: Loss, pred: Tensor, target: Tensor, h = 1e-3): Float64Array {
  const out = new Float64Array(pred.size);
  for (let i = 0; i < pred.size; i++) {
    const saved = pred.data[i];
    pred.data[i] = saved + h;
    const up = pred.data[i];
    const lossUp = loss.compute(pred, target, null);
    pred.data[i] = saved - h;
    const down = pred.data[i];
    const lossDown = loss.compute(pred, target, null);
    pred.data[i] = saved;
    out[i] = (lossUp - lossDown) / (up - down);
  }
  return out;
}

/** A parameter with the given values and gradient. */
export function parameter(name: string, value: number[], grad: number[]): Parameter {
  return { name, shape: [value.length], value: Float32Array.from(value), grad: Float32Array.from(grad) };
}
