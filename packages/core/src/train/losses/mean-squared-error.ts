import type { Tensor } from '../../tensor';
import { checkOptionKeys } from '../options';
import { checkGradBuffer, checkSameShape, meanOf, type Loss, type LossConfig } from './loss';

/** Mean squared error, `mean((pred − target)²)` over every element (Keras `mse`, PyTorch `MSELoss()`). */
export class MeanSquaredError implements Loss {
  readonly name = 'mse';

  constructor(options?: Record<string, never>) {
    checkOptionKeys('MeanSquaredError', options, []);
  }

  compute(pred: Tensor, target: Tensor, grad: Float32Array | null): number {
    checkSameShape(this.name, pred, target);
    checkGradBuffer(this.name, pred, grad);
    const n = pred.size;
    const p = pred.data; // [...]
    const t = target.data; // same layout as p
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const d = p[i] - t[i];
      sum += d * d;
      if (grad) grad[i] = (2 * d) / n;
    }
    return meanOf(sum, n);
  }

  getConfig(): LossConfig {
    return { name: 'mse' };
  }
}
