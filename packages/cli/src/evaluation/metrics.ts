import type { ErrorMetrics } from '../model/spec';

/** RMSE, MAE and MAPE of `predicted` against `actual` (same length); MAPE only where every actual value is > 0. */
export function errorMetrics(predicted: ArrayLike<number>, actual: ArrayLike<number>): ErrorMetrics {
  let squared = 0;
  let absolute = 0;
  let percent = 0;
  let positive = true;
  for (let i = 0; i < actual.length; i++) {
    const e = predicted[i] - actual[i];
    squared += e * e;
    absolute += Math.abs(e);
    if (actual[i] > 0) percent += Math.abs(e / actual[i]);
    else positive = false;
  }
  const n = actual.length;
  return { rmse: Math.sqrt(squared / n), mae: absolute / n, mape: positive ? (100 * percent) / n : null };
}

/** Mean squared error of each window's `horizon` forecasts: `[n]` from `[n, horizon]` values. */
export function windowLosses(predicted: ArrayLike<number>, actual: ArrayLike<number>, horizon: number): number[] {
  const n = actual.length / horizon;
  return Array.from({ length: n }, (_, i) => {
    let sum = 0;
    for (let h = 0; h < horizon; h++) sum += (predicted[i * horizon + h] - actual[i * horizon + h]) ** 2;
    return sum / horizon;
  });
}
