import type { Tensor } from '../../tensor';
import { checkOptionKeys } from '../options';
import { checkGradBuffer, checkRowWeights, checkSameShape, lossRows, meanOf, type Loss, type LossConfig } from './loss';

/**
 * Mean absolute error, `mean(|pred − target|)` over every element (Keras `mae`, PyTorch `L1Loss()`).
 * The gradient at `pred == target` is 0, as in PyTorch.
 */
export class MeanAbsoluteError implements Loss {
  readonly name = 'mae';

  constructor(options?: Record<string, never>) {
    checkOptionKeys('MeanAbsoluteError', options, []);
  }

  compute(pred: Tensor, target: Tensor, grad: Float32Array | null, weights: Float32Array | null = null): number {
    checkSameShape(this.name, pred, target);
    checkGradBuffer(this.name, pred, grad);
    checkRowWeights(this.name, pred, weights);
    const n = pred.size;
    const rows = lossRows(pred);
    const perRow = rows === 0 ? 0 : n / rows;
    const p = pred.data; // [...]
    const t = target.data; // same layout as p
    let sum = 0;
    for (let r = 0, i = 0; r < rows; r++) {
      const w = weights ? weights[r] : 1;
      if (w === 0) {
        if (grad) grad.fill(0, i, i + perRow); // masked or zero-weight row: no gradient at all
        i += perRow;
        continue;
      }
      for (let end = i + perRow; i < end; i++) {
        const d = p[i] - t[i];
        sum += w * Math.abs(d);
        if (grad) grad[i] = (w * Math.sign(d)) / n;
      }
    }
    return meanOf(sum, n);
  }

  getConfig(): LossConfig {
    return { name: 'mae' };
  }
}
