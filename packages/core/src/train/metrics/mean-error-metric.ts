import type { Tensor } from '../../tensor';
import { checkRowWeights, checkSameShape, lossRows } from '../losses/loss';
import type { Metric } from './metric';

/** Which error a `MeanErrorMetric` accumulates. */
export type MeanErrorKind = 'mae' | 'mse' | 'rmse';

/**
 * Mean absolute error, mean squared error or its root, over every element seen. RMSE is the root of
 * the running MSE, so it is exact over the epoch rather than a mean of batch RMSEs.
 */
export class MeanErrorMetric implements Metric {
  private sum = 0;
  private count = 0;

  constructor(readonly name: MeanErrorKind) {}

  update(pred: Tensor, target: Tensor, weights: Float32Array | null = null): void {
    checkSameShape(this.name, pred, target);
    checkRowWeights(this.name, pred, weights);
    const p = pred.data; // [...]
    const t = target.data; // same layout as p
    if (weights === null) {
      let sum = 0;
      for (let i = 0; i < p.length; i++) {
        const d = p[i] - t[i];
        sum += this.name === 'mae' ? Math.abs(d) : d * d;
      }
      this.sum += sum;
      this.count += p.length;
      return;
    }
    const rows = lossRows(pred);
    const perRow = rows === 0 ? 0 : p.length / rows;
    for (let r = 0, i = 0; r < rows; r++, i += perRow) {
      const w = weights[r];
      if (w === 0) continue; // a padded step may hold anything; it must not turn the sum into NaN
      let sum = 0;
      for (let k = i; k < i + perRow; k++) {
        const d = p[k] - t[k];
        sum += this.name === 'mae' ? Math.abs(d) : d * d;
      }
      this.sum += w * sum;
      this.count += w * perRow;
    }
  }

  result(): number {
    if (this.count === 0) return 0;
    const mean = this.sum / this.count;
    return this.name === 'rmse' ? Math.sqrt(mean) : mean;
  }

  reset(): void {
    this.sum = 0;
    this.count = 0;
  }
}
