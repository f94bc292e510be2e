import { checkBoolean, checkNumber, checkOptions } from '../../options';
import { adamStep } from './adam-constants';
import { BASE_OPTION_KEYS, BaseOptimizer, checkDecayRate, type BaseOptimizerOptions } from './optimizer';

/** Options of `AdamW`. */
export interface AdamWOptions extends BaseOptimizerOptions {
  /** Default 0.001. */
  learningRate?: number;
  /** Decoupled weight decay: each step first does `p ·= 1 − lr·weightDecay`. Default 0.004 (Keras). */
  weightDecay?: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-7. */
  epsilon?: number;
  /** Default false. */
  amsgrad?: boolean;
}

/** Adam with decoupled weight decay, PyTorch's `torch.optim.AdamW` update. */
export class AdamW extends BaseOptimizer {
  readonly name = 'adamw';
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;

  constructor(options: AdamWOptions = {}) {
    checkOptions('AdamW', options, [...BASE_OPTION_KEYS, 'weightDecay', 'beta1', 'beta2', 'epsilon', 'amsgrad']);
    super('AdamW', options, 0.001);
    this.weightDecay = checkNumber('AdamW', 'weightDecay', options.weightDecay ?? 0.004, { min: 0 });
    this.beta1 = checkDecayRate('AdamW', 'beta1', options.beta1 ?? 0.9);
    this.beta2 = checkDecayRate('AdamW', 'beta2', options.beta2 ?? 0.999);
    this.epsilon = checkNumber('AdamW', 'epsilon', options.epsilon ?? 1e-7, { min: 0 });
    this.amsgrad = checkBoolean('AdamW', 'amsgrad', options.amsgrad ?? false);
  }

  protected slotNames(): readonly string[] {
    return this.amsgrad ? ['m', 'v', 'vMax'] : ['m', 'v'];
  }

  protected updateParameter(value: Float32Array, grad: Float32Array, slots: Float32Array[], step: number): void {
    const decay = 1 - this.learningRate * this.weightDecay;
    for (let i = 0; i < value.length; i++) value[i] *= decay;
    adamStep(value, grad, slots, {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      l2: 0,
      step,
    });
  }

  protected hyperParameters(): Record<string, unknown> {
    return { weightDecay: this.weightDecay, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
}
