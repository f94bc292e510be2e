import { checkBoolean, checkNumber, checkOptions } from '../../options';
import { BASE_OPTION_KEYS, BaseOptimizer, checkDecayRate, type BaseOptimizerOptions } from './optimizer';

/** Options of `RMSprop`. */
export interface RMSpropOptions extends BaseOptimizerOptions {
  /** Default 0.001. */
  learningRate?: number;
  /** Decay of the squared-gradient average, in [0, 1) (PyTorch's `alpha`). Default 0.9. */
  rho?: number;
  /** Added to the root of the average. Default 1e-7. */
  epsilon?: number;
  /** Momentum in [0, 1]. Default 0. */
  momentum?: number;
  /** Normalise by the variance estimate instead of the raw second moment. Default false. */
  centered?: boolean;
  /** Coupled L2 penalty added to the gradient. Default 0. */
  weightDecay?: number;
}

/**
 * RMSprop with PyTorch's update (`torch.optim.RMSprop`): `s = ρ·s + (1 − ρ)·g²`,
 * `avg = √(s − ḡ²) + ε` (centered, with `ḡ = ρ·ḡ + (1 − ρ)·g`) or `√s + ε`; then
 * `p −= lr·g/avg`, or with momentum `buf = μ·buf + g/avg; p −= lr·buf`.
 */
export class RMSprop extends BaseOptimizer {
  readonly name = 'rmsprop';
  readonly rho: number;
  readonly epsilon: number;
  readonly momentum: number;
  readonly centered: boolean;
  readonly weightDecay: number;

  constructor(options: RMSpropOptions = {}) {
    checkOptions('RMSprop', options, [...BASE_OPTION_KEYS, 'rho', 'epsilon', 'momentum', 'centered', 'weightDecay']);
    super('RMSprop', options, 0.001);
    this.rho = checkDecayRate('RMSprop', 'rho', options.rho ?? 0.9);
    this.epsilon = checkNumber('RMSprop', 'epsilon', options.epsilon ?? 1e-7, { min: 0 });
    this.momentum = checkNumber('RMSprop', 'momentum', options.momentum ?? 0, { min: 0, max: 1 });
    this.centered = checkBoolean('RMSprop', 'centered', options.centered ?? false);
    this.weightDecay = checkNumber('RMSprop', 'weightDecay', options.weightDecay ?? 0, { min: 0 });
  }

  protected slotNames(): readonly string[] {
    const names = ['squareAverage'];
    if (this.centered) names.push('gradientAverage');
    if (this.momentum > 0) names.push('momentum');
    return names;
  }

  protected updateParameter(value: Float32Array, grad: Float32Array, slots: Float32Array[]): void {
    const lr = this.learningRate;
    const rho = this.rho;
    const squareAverage = slots[0]; // [size]
    const gradientAverage = this.centered ? slots[1] : undefined; // [size]
    const momentum = this.momentum > 0 ? slots[slots.length - 1] : undefined; // [size]
    for (let i = 0; i < value.length; i++) {
      const g = grad[i] + this.weightDecay * value[i];
      squareAverage[i] = rho * squareAverage[i] + (1 - rho) * g * g;
      let variance = squareAverage[i];
      if (gradientAverage) {
        gradientAverage[i] = rho * gradientAverage[i] + (1 - rho) * g;
        variance -= gradientAverage[i] * gradientAverage[i];
      }
      const avg = Math.sqrt(variance) + this.epsilon;
      if (momentum) {
        momentum[i] = this.momentum * momentum[i] + g / avg;
        value[i] -= lr * momentum[i];
      } else {
        value[i] -= (lr * g) / avg;
      }
    }
  }

  protected hyperParameters(): Record<string, unknown> {
    return { rho: this.rho, epsilon: this.epsilon, momentum: this.momentum, centered: this.centered, weightDecay: this.weightDecay };
  }
}
