import { checkBoolean, checkNumber, checkOptions } from '../../options';
import { adamStep } from './adam-constants';
import { BASE_OPTION_KEYS, BaseOptimizer, checkDecayRate, type BaseOptimizerOptions } from './optimizer';

/** Options of `Adam`. */
export interface AdamOptions extends BaseOptimizerOptions {
  /** Default 0.001. */
  learningRate?: number;
  /** Decay of the first moment, in [0, 1). Default 0.9. */
  beta1?: number;
  /** Decay of the second moment, in [0, 1). Default 0.999. */
  beta2?: number;
  /** Added to the denominator. Default 1e-7 (Keras; PyTorch uses 1e-8). */
  epsilon?: number;
  /** Use the running maximum of the second moment (AMSGrad). Default false. */
  amsgrad?: boolean;
  /** Coupled L2 penalty added to the gradient (PyTorch `Adam(weight_decay)`). Default 0; see `AdamW` for decoupled decay. */
  weightDecay?: number;
}

/** Adam with PyTorch's update and bias correction (`torch.optim.Adam`). */
export class Adam extends BaseOptimizer {
  readonly name = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;
  readonly weightDecay: number;

  constructor(options: AdamOptions = {}) {
    checkOptions('Adam', options, [...BASE_OPTION_KEYS, 'beta1', 'beta2', 'epsilon', 'amsgrad', 'weightDecay']);
    super('Adam', options, 0.001);
    this.beta1 = checkDecayRate('Adam', 'beta1', options.beta1 ?? 0.9);
    this.beta2 = checkDecayRate('Adam', 'beta2', options.beta2 ?? 0.999);
    this.epsilon = checkNumber('Adam', 'epsilon', options.epsilon ?? 1e-7, { min: 0 });
    this.amsgrad = checkBoolean('Adam', 'amsgrad', options.amsgrad ?? false);
    this.weightDecay = checkNumber('Adam', 'weightDecay', options.weightDecay ?? 0, { min: 0 });
  }

  protected slotNames(): readonly string[] {
    return this.amsgrad ? ['m', 'v', 'vMax'] : ['m', 'v'];
  }

  protected updateParameter(value: Float32Array, grad: Float32Array, slots: Float32Array[], step: number): void {
    adamStep(value, grad, slots, {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      l2: this.weightDecay,
      step,
    });
  }

  protected hyperParameters(): Record<string, unknown> {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad, weightDecay: this.weightDecay };
  }
}
