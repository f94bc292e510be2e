import type { Tensor } from '../../tensor';
import { checkBoolean, checkOptions } from '../../options';
import { clipProbability, type Loss, type LossConfig } from './loss';
import { meanElementwise } from './elementwise';

/** Options of `BinaryCrossentropy`. */
export interface BinaryCrossentropyOptions {
  /** Predictions are logits (no sigmoid applied); uses the stable log-sigmoid path. Default false. */
  fromLogits?: boolean;
}

/**
 * Binary cross-entropy, mean over every element of `−(t·log p + (1 − t)·log(1 − p))`.
 * Probabilities are clipped to [1e-7, 1 − 1e-7] like Keras (clipped entries get no gradient);
 * with `fromLogits` it is PyTorch's `BCEWithLogitsLoss`: `max(x, 0) − x·t + log(1 + e^−|x|)`.
 */
export class BinaryCrossentropy implements Loss {
  readonly name = 'binaryCrossentropy';
  readonly fromLogits: boolean;

  constructor(options: BinaryCrossentropyOptions = {}) {
    checkOptions('BinaryCrossentropy', options, ['fromLogits']);
    this.fromLogits = checkBoolean('BinaryCrossentropy', 'fromLogits', options.fromLogits ?? false);
  }

  compute(pred: Tensor, target: Tensor, grad: Float32Array | null, weights: Float32Array | null = null): number {
    return meanElementwise(this.name, pred, target, grad, weights, this.fromLogits ? FROM_LOGITS : FROM_PROBABILITIES);
  }

  getConfig(): LossConfig {
    return { name: 'binaryCrossentropy', fromLogits: this.fromLogits };
  }
}

/** Logistic sigmoid without overflow for large |x|. */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** `max(x, 0) − x·y + log(1 + e^−|x|)`: the logits form, stable for large |x|. */
const FROM_LOGITS = {
  value: (x: number, y: number) => Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x))),
  derivative: (x: number, y: number) => sigmoid(x) - y,
};

/** Keras's probability form: clipped to [ε, 1 − ε], no gradient where the clip bites. */
const FROM_PROBABILITIES = {
  value: (p: number, y: number) => {
    const { q } = clipProbability(p);
    return -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
  },
  derivative: (p: number, y: number) => {
    const { q, inside } = clipProbability(p);
    return inside ? -y / q + (1 - y) / (1 - q) : 0;
  },
};
