import type { Tensor } from '../../tensor';
import { checkOptions } from '../../options';
import { meanElementwise } from './elementwise';
import type { Loss, LossConfig } from './loss';

/** Mean squared error, `mean((pred − target)²)` over every element (Keras `mse`, PyTorch `MSELoss()`). */
export class MeanSquaredError implements Loss {
  readonly name = 'mse';

  constructor(options?: Record<string, never>) {
    checkOptions('MeanSquaredError', options, []);
  }

  compute(pred: Tensor, target: Tensor, grad: Float32Array | null, weights: Float32Array | null = null): number {
    return meanElementwise(this.name, pred, target, grad, weights, SQUARED_ERROR);
  }

  getConfig(): LossConfig {
    return { name: 'mse' };
  }
}

const SQUARED_ERROR = {
  value: (p: number, t: number) => (p - t) * (p - t),
  derivative: (p: number, t: number) => 2 * (p - t),
};
