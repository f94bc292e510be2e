import type { Tensor } from '../../tensor';
import { checkNumber, checkOptions } from '../../options';
import { type ElementLoss, meanElementwise } from './elementwise';
import type { Loss, LossConfig } from './loss';

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
  private readonly element: ElementLoss;

  constructor(options: HuberOptions = {}) {
    checkOptions('Huber', options, ['delta']);
    const delta = checkNumber('Huber', 'delta', options.delta ?? 1, { above: 0 });
    this.delta = delta;
    this.element = {
      value: (p, t) => {
        const abs = Math.abs(p - t);
        return abs <= delta ? 0.5 * abs * abs : delta * (abs - 0.5 * delta);
      },
      derivative: (p, t) => {
        const d = p - t;
        return Math.abs(d) <= delta ? d : delta * Math.sign(d);
      },
    };
  }

  compute(pred: Tensor, target: Tensor, grad: Float32Array | null, weights: Float32Array | null = null): number {
    return meanElementwise(this.name, pred, target, grad, weights, this.element);
  }

  getConfig(): LossConfig {
    return { name: 'huber', delta: this.delta };
  }
}
