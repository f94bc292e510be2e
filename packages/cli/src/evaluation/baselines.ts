import type { Windows } from '../model/windows';

/** "Same as the last value": every one of a window's `horizon` forecasts is its last target value. `[n, horizon]`. */
export function naiveForecasts(w: Windows): Float32Array {
  const [n, steps, features] = w.x.shape;
  const horizon = w.y.shape[1];
  const out = new Float32Array(n * horizon);
  for (let i = 0; i < n; i++) out.fill(w.x.data[(i * steps + steps - 1) * features], i * horizon, (i + 1) * horizon);
  return out;
}

/**
 * "Same as one season ago": forecast `h` (0-based) of a window whose first target is row `r` is
 * the target at row `r + h − season · k`, the latest row at least one season back that is already
 * known when forecasting (`k = ⌊h / season⌋ + 1`). `[n, horizon]`; `null` when the first window
 * has not a season of history.
 */
export function seasonalNaiveForecasts(target: readonly number[], w: Windows, season: number): Float32Array | null {
  const horizon = w.y.shape[1];
  if (w.targetRow.length === 0 || w.targetRow[0] - season < 0) return null;
  const out = new Float32Array(w.targetRow.length * horizon);
  w.targetRow.forEach((r, i) => {
    for (let h = 0; h < horizon; h++) out[i * horizon + h] = target[r + h - season * (Math.floor(h / season) + 1)];
  });
  return out;
}
