import type { Tensor } from '../../tensor';
import { checkOptions } from '../../options';
import { meanElementwise } from './elementwise';
import type { Loss, LossConfig } from './loss';

/**
 * Mean absolute error, `mean(|pred − target|)` over every element (Keras `mae`, PyTorch `L1Loss()`).
 * The gradient at `pred == target` is 0, as in PyTorch.
 */
export class MeanAbsoluteError implements Loss {
  readonly name = 'mae';

  constructor(options?: Record<string, never>) {
    checkOptions('MeanAbsoluteError', options, []);
  }

  compute(pred: Tensor, target: Tensor, grad: Float32Array | null, weights: Float32Array | null = null): number {
    return meanElementwise(this.name, pred, target, grad, weights, ABSOLUTE_ERROR);
  }

  getConfig(): LossConfig {
    return { name: 'mae' };
  }
}

const ABSOLUTE_ERROR = {
  value: (p: number, t: number) => Math.abs(p - t),
  derivative: (p: number, t: number) => Math.sign(p - t),
};
