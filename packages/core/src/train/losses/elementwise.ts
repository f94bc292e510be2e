import type { Tensor } from '../../tensor';
import { checkGradBuffer, checkRowWeights, checkSameShape, lossRows, meanOf } from './loss';

/** One element's loss and its derivative w.r.t. the prediction, given prediction `p` and target `t`. */
export interface ElementLoss {
  value(p: number, t: number): number;
  derivative(p: number, t: number): number;
}

/**
 * The mean over every element of a pointwise loss (MSE, MAE, Huber, binary cross-entropy), with
 * optional per-row weights (masks, sample and class weights; a row is every axis but the last):
 * `Σ w_row · loss(p, t) / size`. Writes `d loss / d pred` into `grad` when given; rows of weight 0
 * get an exact zero gradient.
 */
export function meanElementwise(
  owner: string,
  pred: Tensor,
  target: Tensor,
  grad: Float32Array | null, // same layout as pred
  weights: Float32Array | null, // [rows]
  element: ElementLoss,
): number {
  checkSameShape(owner, pred, target);
  checkGradBuffer(owner, pred, grad);
  checkRowWeights(owner, pred, weights);
  const n = pred.size;
  const rows = lossRows(pred);
  const perRow = rows === 0 ? 0 : n / rows;
  const p = pred.data; // [...]
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
      sum += w * element.value(p[i], t[i]);
      if (grad) grad[i] = (w * element.derivative(p[i], t[i])) / n;
    }
  }
  return meanOf(sum, n);
}
