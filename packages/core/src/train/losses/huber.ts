import type { Tensor } from '../../tensor';
import { checkNumber, checkOptionKeys } from '../options';
import { checkGradBuffer, checkRowWeights, checkSameShape, lossRows, meanOf, type Loss, type LossConfig } from './loss';

/** Options of `Huber`. */
export interface HuberOptions {
  /** Where the loss turns from quadratic to linear (default 1). */
  delta?: number;
}

/**
 * Huber loss, mean over every element of `½d²` for `|d| ≤ δ` and `δ(|d| − ½δ)` beyond, with
 * `d = pred − target` (Keras `Huber`, PyTorch `HuberLoss(delta)`).
 */
export class Huber implements Loss {
  readonly name = 'huber';
  readonly delta: number;

  constructor(options: HuberOptions = {}) {
    checkOptionKeys('Huber', options, ['delta']);
    this.delta = checkNumber('Huber', 'delta', options.delta ?? 1, { above: 0 });
  }

  compute(pred: Tensor, target: Tensor, grad: Float32Array | null, weights: Float32Array | null = null): number {
    checkSameShape(this.name, pred, target);
    checkGradBuffer(this.name, pred, grad);
    checkRowWeights(this.name, pred, weights);
    const n = pred.size;
    const rows = lossRows(pred);
    const perRow = rows === 0 ? 0 : n / rows;
    const delta = this.delta;
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
        const abs = Math.abs(d);
        if (abs <= delta) {
          sum += w * 0.5 * d * d;
          if (grad) grad[i] = (w * d) / n;
        } else {
          sum += w * delta * (abs - 0.5 * delta);
          if (grad) grad[i] = (w * delta * Math.sign(d)) / n;
        }
      }
    }
    return meanOf(sum, n);
  }

  getConfig(): LossConfig {
    return { name: 'huber', delta: this.delta };
  }
}
