import { clipProbability } from './loss';

/**
 * Cross-entropy of one row of class scores against one row of target weights (one-hot or soft),
 * shared by the categorical and sparse categorical losses. Rows are addressed by offset so the
 * callers never copy: `pred[predOffset .. predOffset + classes)` and the same for the target.
 */
export interface ClassRow {
  /** Predictions for all rows, `[rows, classes]` row-major. */
  pred: Float32Array;
  predOffset: number;
  /** Target weights for this row, read at `targetOffset .. targetOffset + classes`. */
  target: ArrayLike<number>;
  targetOffset: number;
  classes: number;
  /** dLoss/dPred for all rows (same layout as `pred`), or null when only the loss is needed. */
  grad: Float32Array | null;
  /** Factor applied to this row's gradient (1 / rows for the mean). */
  gradScale: number;
}

/**
 * Probability path, Keras's: normalise the row to sum 1, clip to [ε, 1 − ε], then `−Σ t·log q`.
 * With `p = o / S`, dL/do_j = (g_j − Σ_k g_k·p_k) / S where g_k = −t_k / q_k (0 where clipped).
 */
export function probabilityRowLoss(row: ClassRow): number {
  const { pred, predOffset, target, targetOffset, classes, grad, gradScale } = row;
  let total = 0;
  for (let k = 0; k < classes; k++) total += pred[predOffset + k];
  let loss = 0;
  let weighted = 0; // Σ_k g_k·p_k
  for (let k = 0; k < classes; k++) {
    const p = pred[predOffset + k] / total;
    const t = target[targetOffset + k];
    const { q, inside } = clipProbability(p);
    if (t !== 0) loss -= t * Math.log(q);
    if (inside && t !== 0) weighted += (-t / q) * p;
  }
  if (grad) {
    for (let k = 0; k < classes; k++) {
      const p = pred[predOffset + k] / total;
      const t = target[targetOffset + k];
      const { q, inside } = clipProbability(p);
      const g = inside && t !== 0 ? -t / q : 0;
      grad[predOffset + k] = ((g - weighted) / total) * gradScale;
    }
  }
  return loss;
}

/**
 * Logit path through a stable log-softmax: `Σ t_k·(lse − x_k)`, gradient `softmax_j·Σt − t_j`
 * (PyTorch's `CrossEntropyLoss` with probability targets).
 */
export function logitRowLoss(row: ClassRow): number {
  const { pred, predOffset, target, targetOffset, classes, grad, gradScale } = row;
  let max = -Infinity;
  for (let k = 0; k < classes; k++) max = Math.max(max, pred[predOffset + k]);
  let expSum = 0;
  for (let k = 0; k < classes; k++) expSum += Math.exp(pred[predOffset + k] - max);
  const logSumExp = max + Math.log(expSum);
  let loss = 0;
  let targetSum = 0;
  for (let k = 0; k < classes; k++) {
    const t = target[targetOffset + k];
    if (t !== 0) loss += t * (logSumExp - pred[predOffset + k]);
    targetSum += t;
  }
  if (grad) {
    for (let k = 0; k < classes; k++) {
      const softmax = Math.exp(pred[predOffset + k] - logSumExp);
      grad[predOffset + k] = (softmax * targetSum - target[targetOffset + k]) * gradScale;
    }
  }
  return loss;
}
