import { DataError, ShapeError } from '../../errors';
import type { Tensor } from '../../tensor';
import { checkBoolean, checkOptions } from '../../options';
import { logitRowLoss, probabilityRowLoss } from './class-rows';
import { checkGradBuffer, checkRowWeights, classAxisSize, meanOf, type Loss, type LossConfig } from './loss';

/** Options of `SparseCategoricalCrossentropy`. */
export interface SparseCategoricalCrossentropyOptions {
  /** Predictions are logits; uses a stable log-softmax. Default false (probabilities). */
  fromLogits?: boolean;
}

/**
 * Categorical cross-entropy against integer class ids: predictions `[..., classes]`, targets of the
 * prediction's shape without the class axis (`[batch]`, `[batch, steps]`), or with a trailing 1
 * (`[batch, 1]`). Mean over rows. Same numbers as `CategoricalCrossentropy` on one-hot targets;
 * with `fromLogits` it is PyTorch's `CrossEntropyLoss` with class-index targets.
 */
export class SparseCategoricalCrossentropy implements Loss {
  readonly name = 'sparseCategoricalCrossentropy';
  readonly fromLogits: boolean;

  constructor(options: SparseCategoricalCrossentropyOptions = {}) {
    checkOptions('SparseCategoricalCrossentropy', options, ['fromLogits']);
    this.fromLogits = checkBoolean('SparseCategoricalCrossentropy', 'fromLogits', options.fromLogits ?? false);
  }

  compute(pred: Tensor, target: Tensor, grad: Float32Array | null, weights: Float32Array | null = null): number {
    const classes = classAxisSize(this.name, pred);
    checkIdShape(this.name, pred, target);
    checkGradBuffer(this.name, pred, grad);
    checkRowWeights(this.name, pred, weights);
    const rows = pred.size / classes;
    const rowLoss = this.fromLogits ? logitRowLoss : probabilityRowLoss;
    const oneHot = new Float64Array(classes); // [classes], reused per row
    let sum = 0;
    for (let r = 0; r < rows; r++) {
      const w = weights ? weights[r] : 1;
      if (w === 0) {
        // A masked (padded) step may carry any placeholder id: it is neither checked nor counted.
        if (grad) grad.fill(0, r * classes, (r + 1) * classes);
        continue;
      }
      const id = target.data[r];
      if (!Number.isInteger(id) || id < 0 || id >= classes) {
        throw new DataError(
          `${this.name}: target class id at row ${r} must be an integer in [0, ${classes - 1}], got ${id}`,
        );
      }
      oneHot[id] = 1;
      sum += w * rowLoss({
        pred: pred.data, // [rows, classes]
        predOffset: r * classes,
        target: oneHot,
        targetOffset: 0,
        classes,
        grad,
        gradScale: w / rows,
      });
      oneHot[id] = 0;
    }
    return meanOf(sum, rows);
  }

  getConfig(): LossConfig {
    return { name: 'sparseCategoricalCrossentropy', fromLogits: this.fromLogits };
  }
}

/** Class-id targets have the prediction's shape without its class axis, optionally with a trailing 1. */
export function checkIdShape(owner: string, pred: Tensor, target: Tensor): void {
  const rowShape = pred.shape.slice(0, -1);
  const t = target.shape;
  const matches = (shape: readonly number[]): boolean =>
    shape.length === t.length && shape.every((d, i) => d === t[i]);
  if (matches(rowShape) || matches([...rowShape, 1])) return;
  const text = (s: readonly number[]): string => `[${s.join(', ')}]`;
  throw new ShapeError(
    `${owner}: target class ids must have shape ${text(rowShape)} or ${text([...rowShape, 1])} for predictions ${text(pred.shape)}, got ${text(t)}`,
  );
}
