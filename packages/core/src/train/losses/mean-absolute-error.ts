import type { Tensor } from '../../tensor';
import { checkOptionKeys } from '../options';
import { checkGradBuffer, checkSameShape, meanOf, type Loss, type LossConfig } from './loss';

/**
 * Mean absolute error, `mean(|pred − target|)` over every element (Keras `mae`, PyTorch `L1Loss()`).
 * The gradient at `pred == target` is 0, as in PyTorch.
 */
export class MeanAbsoluteError implements Loss {
  readonly name = 'mae';

  constructor(options?: Record<string, never>) {
    checkOptionKeys('MeanAbsoluteError', options, []);
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
      sum += Math.abs(d);
      if (grad) grad[i] = Math.sign(d) / n;
    }
    return meanOf(sum, n);
  }

  getConfig(): LossConfig {
    return { name: 'mae' };
  }
}
