import { checkBoolean, checkNumber, checkOptions } from '../../options';
import { BASE_OPTION_KEYS, BaseOptimizer, requireConfig, type BaseOptimizerOptions } from './optimizer';

/** Options of `SGD`. */
export interface SGDOptions extends BaseOptimizerOptions {
  /** Default 0.01. */
  learningRate?: number;
  /** Momentum factor in [0, 1]; 0 (default) is plain gradient descent. */
  momentum?: number;
  /** Nesterov momentum (needs momentum > 0). Default false. */
  nesterov?: boolean;
  /** L2 penalty added to the gradient (`g + wd·p`, PyTorch's `weight_decay`). Default 0. */
  weightDecay?: number;
}

/**
 * Stochastic gradient descent with PyTorch's update: `g += wd·p`; `buf = m·buf + g`;
 * `p −= lr·buf` (Nesterov: `p −= lr·(g + m·buf)`).
 */
export class SGD extends BaseOptimizer {
  readonly name = 'sgd';
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;

  constructor(options: SGDOptions = {}) {
    checkOptions('SGD', options, [...BASE_OPTION_KEYS, 'momentum', 'nesterov', 'weightDecay']);
    super('SGD', options, 0.01);
    this.momentum = checkNumber('SGD', 'momentum', options.momentum ?? 0, { min: 0, max: 1 });
    this.nesterov = checkBoolean('SGD', 'nesterov', options.nesterov ?? false);
    this.weightDecay = checkNumber('SGD', 'weightDecay', options.weightDecay ?? 0, { min: 0 });
    requireConfig(!this.nesterov || this.momentum > 0, `SGD: option 'nesterov' needs 'momentum' > 0, got momentum ${this.momentum}`);
  }

  protected slotNames(): readonly string[] {
    return this.momentum > 0 ? ['momentum'] : [];
  }

  protected updateParameter(value: Float32Array, grad: Float32Array, slots: Float32Array[]): void {
    const lr = this.learningRate;
    const m = this.momentum;
    const wd = this.weightDecay;
    const buf = slots[0]; // [size] momentum buffer, absent without momentum
    for (let i = 0; i < value.length; i++) {
      let g = grad[i] + wd * value[i];
      if (buf) {
        // The buffer starts at 0, so the first step gives buf = g exactly as PyTorch's clone does.
        buf[i] = m * buf[i] + g;
        g = this.nesterov ? g + m * buf[i] : buf[i];
      }
      value[i] -= lr * g;
    }
  }

  protected hyperParameters(): Record<string, unknown> {
    return { momentum: this.momentum, nesterov: this.nesterov, weightDecay: this.weightDecay };
  }
}
