import { ShapeError } from '../../errors';
import type { Tensor } from '../../tensor';

/** Canonical loss names (Keras's vocabulary in camelCase). */
export type LossName =
  | 'mse'
  | 'mae'
  | 'huber'
  | 'binaryCrossentropy'
  | 'categoricalCrossentropy'
  | 'sparseCategoricalCrossentropy';

/** Keras's snake_case and long-form aliases, accepted by `getLoss`. */
export type LossAlias =
  | 'mean_squared_error'
  | 'meanSquaredError'
  | 'mean_absolute_error'
  | 'meanAbsoluteError'
  | 'huber_loss'
  | 'binary_crossentropy'
  | 'categorical_crossentropy'
  | 'sparse_categorical_crossentropy';

/** What rebuilds a loss: its canonical name and options, e.g. `{ name: 'huber', delta: 2 }`. */
export interface LossConfig {
  name: LossName;
  [option: string]: unknown;
}

/**
 * A training objective. `compute` returns the mean loss over the batch (and over steps for
 * per-step outputs) and, when `grad` is given, writes dLoss/dPred into it (same layout as `pred`).
 *
 * Weighting follows Keras 3's default reduction `'sum_over_batch_size'`: with per-row `weights`
 * (a row is one sample, or one (sample, step) for per-step outputs: every axis but the last), the
 * value is `Σ_r w_r·L_r / rows`, where `L_r` is row r's loss (the mean over its last axis for the
 * element-wise losses). Rows of weight 0 add nothing and get an exact zero gradient. Step masks are
 * folded into the weights by the model (see `combineRowWeights`), as Keras's `apply_mask` does.
 */
export interface Loss {
  /** Canonical name, used in logs and saved models. */
  readonly name: string;
  /**
   * Mean loss over the batch; writes dLoss/dPred into `grad` (overwriting it) when given.
   * `weights` (`[rows]`, see `lossRows`) weights each row; null or omitted means all 1.
   */
  compute(pred: Tensor, target: Tensor, grad: Float32Array | null, weights?: Float32Array | null): number;
  /** Options that rebuild this loss through `getLoss`. */
  getConfig?(): LossConfig;
}

/** Keras's `epsilon()`: probabilities are clipped to [1e-7, 1 − 1e-7] before taking logs. */
export const PROBABILITY_EPSILON = 1e-7;

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/**
 * Checks that `target` matches `pred` element for element. A trailing axis of size 1 on either side
 * is ignored (`[batch]` targets against `[batch, 1]` predictions), as Keras does.
 */
export function checkSameShape(owner: string, pred: Tensor, target: Tensor): void {
  const a = pred.shape;
  const b = target.shape;
  const equal = (x: readonly number[], y: readonly number[]): boolean =>
    x.length === y.length && x.every((d, i) => d === y[i]);
  const dropTrailingOne = (x: readonly number[]): readonly number[] =>
    x.length > 1 && x[x.length - 1] === 1 ? x.slice(0, -1) : x;
  if (equal(a, b) || equal(dropTrailingOne(a), b) || equal(a, dropTrailingOne(b))) return;
  throw new ShapeError(
    `${owner}: target shape ${shapeText(b)} does not match prediction shape ${shapeText(a)}; expected ${shapeText(a)}`,
  );
}

/** Checks that the gradient buffer holds one value per prediction. */
export function checkGradBuffer(owner: string, pred: Tensor, grad: Float32Array | null): void {
  if (grad !== null && grad.length !== pred.size) {
    throw new ShapeError(
      `${owner}: gradient buffer must hold ${pred.size} values (prediction shape ${shapeText(pred.shape)}), got ${grad.length}`,
    );
  }
}

/** Checks that a prediction has a class axis (`[..., classes]` with at least one class) and returns its size. */
export function classAxisSize(owner: string, pred: Tensor): number {
  if (pred.rank < 1 || pred.shape[pred.rank - 1] < 1) {
    throw new ShapeError(
      `${owner}: prediction must be [..., classes] with at least one class, got ${shapeText(pred.shape)}`,
    );
  }
  return pred.shape[pred.rank - 1];
}

/** `{ p < ε → ε, p > 1 − ε → 1 − ε }`, plus whether the value was inside (clipping blocks the gradient). */
export function clipProbability(p: number): { q: number; inside: boolean } {
  if (p < PROBABILITY_EPSILON) return { q: PROBABILITY_EPSILON, inside: false };
  if (p > 1 - PROBABILITY_EPSILON) return { q: 1 - PROBABILITY_EPSILON, inside: false };
  return { q: p, inside: true };
}

/** Mean over `count` items; an empty batch has loss 0 rather than NaN. */
export function meanOf(sum: number, count: number): number {
  return count === 0 ? 0 : sum / count;
}

/**
 * Rows of a prediction, the unit that per-row weights and masks address: every axis but the last
 * (`[batch, units]` → batch rows, `[batch, steps, units]` → batch·steps rows); a rank-1 prediction
 * has one row per value.
 */
export function lossRows(pred: Tensor): number {
  if (pred.rank <= 1) return pred.size;
  const last = pred.shape[pred.rank - 1];
  return last === 0 ? 0 : pred.size / last;
}

/** Checks that `weights`, when given, hold one value per row of `pred` (see `lossRows`). */
export function checkRowWeights(owner: string, pred: Tensor, weights: Float32Array | null | undefined): void {
  if (weights === null || weights === undefined) return;
  const rows = lossRows(pred);
  if (!(weights instanceof Float32Array) || weights.length !== rows) {
    throw new ShapeError(
      `${owner}: weights must be a Float32Array with one value per row (${rows} rows for prediction shape ${shapeText(pred.shape)}), got ${weights instanceof Float32Array ? weights.length : typeof weights}`,
    );
  }
}
