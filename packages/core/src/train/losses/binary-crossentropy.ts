import type { Tensor } from '../../tensor';
import { checkBoolean, checkOptionKeys } from '../options';
import { checkGradBuffer, checkRowWeights, checkSameShape, clipProbability, lossRows, meanOf, type Loss, type LossConfig } from './loss';

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
    checkOptionKeys('BinaryCrossentropy', options, ['fromLogits']);
    this.fromLogits = checkBoolean('BinaryCrossentropy', 'fromLogits', options.fromLogits ?? false);
  }

  compute(pred: Tensor, target: Tensor, grad: Float32Array | null, weights: Float32Array | null = null): number {
    checkSameShape(this.name, pred, target);
    checkGradBuffer(this.name, pred, grad);
    checkRowWeights(this.name, pred, weights);
    const n = pred.size;
    const rows = lossRows(pred);
    const perRow = rows === 0 ? 0 : n / rows;
    const p = pred.data; // [...] probabilities or logits
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
        const y = t[i];
        if (this.fromLogits) {
          const x = p[i];
          sum += w * (Math.max(x, 0) - x * y + Math.log1p(Math.exp(-Math.abs(x))));
          if (grad) grad[i] = (w * (sigmoid(x) - y)) / n;
        } else {
          const { q, inside } = clipProbability(p[i]);
          sum -= w * (y * Math.log(q) + (1 - y) * Math.log(1 - q));
          if (grad) grad[i] = inside ? (w * (-y / q + (1 - y) / (1 - q))) / n : 0;
        }
      }
    }
    return meanOf(sum, n);
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
