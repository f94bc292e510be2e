import { checkNumber, checkOptions } from '../../options';
import { BASE_OPTION_KEYS, BaseOptimizer, type BaseOptimizerOptions } from './optimizer';

/** Options of `Adagrad`. */
export interface AdagradOptions extends BaseOptimizerOptions {
  /** Default 0.001. */
  learningRate?: number;
  /** Starting value of the squared-gradient sums. Default 0.1 (Keras; PyTorch uses 0). */
  initialAccumulatorValue?: number;
  /** Added to the root of the sum. Default 1e-7. */
  epsilon?: number;
  /** Coupled L2 penalty added to the gradient. Default 0. */
  weightDecay?: number;
}

/** Adagrad with PyTorch's update (`torch.optim.Adagrad`): `s += g²`; `p −= lr·g / (√s + ε)`. */
export class Adagrad extends BaseOptimizer {
  readonly name = 'adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;
  readonly weightDecay: number;

  constructor(options: AdagradOptions = {}) {
    checkOptions('Adagrad', options, [...BASE_OPTION_KEYS, 'initialAccumulatorValue', 'epsilon', 'weightDecay']);
    super('Adagrad', options, 0.001);
    this.initialAccumulatorValue = checkNumber('Adagrad', 'initialAccumulatorValue', options.initialAccumulatorValue ?? 0.1, {
      min: 0,
    });
    this.epsilon = checkNumber('Adagrad', 'epsilon', options.epsilon ?? 1e-7, { min: 0 });
    this.weightDecay = checkNumber('Adagrad', 'weightDecay', options.weightDecay ?? 0, { min: 0 });
  }

  protected slotNames(): readonly string[] {
    return ['accumulator'];
  }

  protected override initialSlotValue(): number {
    return this.initialAccumulatorValue;
  }

  protected updateParameter(value: Float32Array, grad: Float32Array, slots: Float32Array[]): void {
    const accumulator = slots[0]; // [size]
    for (let i = 0; i < value.length; i++) {
      const g = grad[i] + this.weightDecay * value[i];
      accumulator[i] += g * g;
      value[i] -= (this.learningRate * g) / (Math.sqrt(accumulator[i]) + this.epsilon);
    }
  }

  protected hyperParameters(): Record<string, unknown> {
    return { initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon, weightDecay: this.weightDecay };
  }
}
