import type { Tensor } from '../../tensor';
import { checkRowWeights, checkSameShape, classAxisSize, lossRows } from '../losses/loss';
import { checkIdShape } from '../losses/sparse-categorical-crossentropy';
import type { Metric } from './metric';

/** How predictions are compared with targets; `'auto'` decides from the shapes at the first update, as Keras does. */
export type AccuracyKind = 'binary' | 'categorical' | 'sparseCategorical' | 'auto';

/**
 * Fraction of correct predictions over every sample (and step) seen; with `update` weights, the
 * weighted fraction `Σ w·correct / Σ w` (Keras), so masked steps do not count.
 * - binary: `(pred > threshold) == target`, per element (threshold 0.5, or 0 for logits);
 * - categorical: `argmax(pred) == argmax(target)`, per row;
 * - sparseCategorical: `argmax(pred) == id`, per row.
 */
export class Accuracy implements Metric {
  readonly name = 'accuracy';
  private correct = 0;
  private count = 0;
  private resolved: Exclude<AccuracyKind, 'auto'> | null;

  constructor(
    kind: AccuracyKind = 'auto',
    /** Binary decision threshold: 0.5 for probabilities, 0 for logits. */
    readonly threshold = 0.5,
  ) {
    this.resolved = kind === 'auto' ? null : kind;
  }

  /** The comparison in use (`null` until an `'auto'` accuracy has seen its first batch). */
  get kind(): Exclude<AccuracyKind, 'auto'> | null {
    return this.resolved;
  }

  update(pred: Tensor, target: Tensor, weights: Float32Array | null = null): void {
    const kind = this.resolved ?? (this.resolved = resolveFromShapes(pred, target));
    checkRowWeights('accuracy', pred, weights);
    if (kind === 'binary') this.updateBinary(pred, target, weights);
    else this.updateClasses(pred, target, kind === 'sparseCategorical', weights);
  }

  result(): number {
    return this.count === 0 ? 0 : this.correct / this.count;
  }

  reset(): void {
    this.correct = 0;
    this.count = 0;
  }

  private updateBinary(pred: Tensor, target: Tensor, weights: Float32Array | null): void {
    checkSameShape('accuracy', pred, target);
    const p = pred.data; // [...]
    const t = target.data; // same layout as p
    if (weights === null) {
      for (let i = 0; i < p.length; i++) if ((p[i] > this.threshold ? 1 : 0) === t[i]) this.correct++;
      this.count += p.length;
      return;
    }
    const rows = lossRows(pred);
    const perRow = rows === 0 ? 0 : p.length / rows;
    for (let r = 0, i = 0; r < rows; r++) {
      const w = weights[r];
      for (let end = i + perRow; i < end; i++) if ((p[i] > this.threshold ? 1 : 0) === t[i]) this.correct += w;
      this.count += w * perRow;
    }
  }

  private updateClasses(pred: Tensor, target: Tensor, sparse: boolean, weights: Float32Array | null): void {
    const classes = classAxisSize('accuracy', pred);
    if (sparse) checkIdShape('accuracy', pred, target);
    else checkSameShape('accuracy', pred, target);
    const rows = pred.size / classes;
    for (let r = 0; r < rows; r++) {
      const w = weights ? weights[r] : 1;
      if (w === 0) continue;
      const predicted = argmax(pred.data, r * classes, classes); // pred: [rows, classes]
      const actual = sparse ? target.data[r] : argmax(target.data, r * classes, classes);
      if (predicted === actual) this.correct += w;
      this.count += w;
    }
  }
}

/** Keras's rule for plain `'accuracy'`: one output unit → binary; class ids → sparse; else categorical. */
function resolveFromShapes(pred: Tensor, target: Tensor): Exclude<AccuracyKind, 'auto'> {
  const predLast = pred.shape[pred.rank - 1];
  const targetLast = target.shape[target.rank - 1];
  if (predLast === 1) return 'binary';
  if (target.rank < pred.rank || (targetLast === 1 && predLast > 1)) return 'sparseCategorical';
  return 'categorical';
}

/** Index of the largest value in `data[offset .. offset + n)`; the first one on ties. */
function argmax(data: Float32Array, offset: number, n: number): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (data[offset + k] > data[offset + best]) best = k;
  return best;
}
