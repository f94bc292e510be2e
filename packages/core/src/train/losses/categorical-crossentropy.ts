import type { Tensor } from '../../tensor';
import { checkBoolean, checkOptions } from '../../options';
import { logitRowLoss, probabilityRowLoss } from './class-rows';
import { checkGradBuffer, checkRowWeights, checkSameShape, classAxisSize, meanOf, type Loss, type LossConfig } from './loss';

/** Options of `CategoricalCrossentropy`. */
export interface CategoricalCrossentropyOptions {
  /** Predictions are logits; uses a stable log-softmax. Default false (probabilities). */
  fromLogits?: boolean;
}

/**
 * Categorical cross-entropy against one-hot (or soft) targets of the prediction's shape
 * `[..., classes]`: `−Σ_k t_k·log p_k` per row, mean over rows (batch and steps). Probabilities are
 * normalised per row and clipped to [1e-7, 1 − 1e-7] like Keras; with `fromLogits` it equals PyTorch's
 * `CrossEntropyLoss` with probability targets.
 */
export class CategoricalCrossentropy implements Loss {
  readonly name = 'categoricalCrossentropy';
  readonly fromLogits: boolean;

  constructor(options: CategoricalCrossentropyOptions = {}) {
    checkOptions('CategoricalCrossentropy', options, ['fromLogits']);
    this.fromLogits = checkBoolean('CategoricalCrossentropy', 'fromLogits', options.fromLogits ?? false);
  }

  compute(pred: Tensor, target: Tensor, grad: Float32Array | null, weights: Float32Array | null = null): number {
    const classes = classAxisSize(this.name, pred);
    checkSameShape(this.name, pred, target);
    checkGradBuffer(this.name, pred, grad);
    checkRowWeights(this.name, pred, weights);
    const rows = pred.size / classes;
    const rowLoss = this.fromLogits ? logitRowLoss : probabilityRowLoss;
    let sum = 0;
    for (let r = 0; r < rows; r++) {
      const offset = r * classes;
      const w = weights ? weights[r] : 1;
      if (w === 0) {
        if (grad) grad.fill(0, offset, offset + classes); // masked or zero-weight row: no gradient at all
        continue;
      }
      sum += w * rowLoss({
        pred: pred.data, // [rows, classes]
        predOffset: offset,
        target: target.data, // [rows, classes]
        targetOffset: offset,
        classes,
        grad,
        gradScale: w / rows,
      });
    }
    return meanOf(sum, rows);
  }

  getConfig(): LossConfig {
    return { name: 'categoricalCrossentropy', fromLogits: this.fromLogits };
  }
}
