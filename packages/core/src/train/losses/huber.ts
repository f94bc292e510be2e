import type { Tensor } from '../../tensor';
import { checkNumber, checkOptionKeys } from '../options';
import { checkGradBuffer, checkSameShape, meanOf, type Loss, type LossConfig } from './loss';

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

  compute(pred: Tensor, target: Tensor, grad: Float32Array | null): number {
    checkSameShape(this.name, pred, target);
    checkGradBuffer(this.name, pred, grad);
    const n = pred.size;
    const delta = this.delta;
    const p = pred.data; // [...]
    const t = target.data; // same layout as p
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const d = p[i] - t[i];
      const abs = Math.abs(d);
      if (abs <= delta) {
        sum += 0.5 * d * d;
        if (grad) grad[i] = d / n;
      } else {
        sum += delta * (abs - 0.5 * delta);
        if (grad) grad[i] = (delta * Math.sign(d)) / n;
      }
    }
    return meanOf(sum, n);
  }

  getConfig(): LossConfig {
    return { name: 'huber', delta: this.delta };
  }
}
