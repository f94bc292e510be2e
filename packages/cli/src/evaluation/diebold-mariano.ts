import tCdf = require('@stdlib/stats-base-dists-t-cdf');

/** The result of a Diebold–Mariano test. */
export interface DieboldMariano {
  /** The statistic with the Harvey–Leybourne–Newbold small-sample correction. */
  statistic: number;
  /** Two-sided p-value from Student's t with n − 1 degrees of freedom. */
  pValue: number;
  /** Windows compared. */
  n: number;
}

/**
 * Diebold–Mariano test of equal accuracy for two forecasters on the same windows, from their
 * per-window losses: `d = lossA − lossB`, whose mean is compared with its standard error. The
 * variance counts the autocovariances up to lag `horizon − 1` (h-step forecasts of neighbouring
 * windows share errors), and the statistic is corrected for small samples as Harvey, Leybourne and
 * Newbold (1997) propose, then read against Student's t. Negative: A is more accurate.
 */
export function dieboldMariano(lossA: readonly number[], lossB: readonly number[], horizon: number): DieboldMariano {
  const n = lossA.length;
  const d = lossA.map((a, i) => a - lossB[i]);
  const mean = d.reduce((s, v) => s + v, 0) / n;
  const autocovariance = (k: number) => {
    let sum = 0;
    for (let i = k; i < n; i++) sum += (d[i] - mean) * (d[i - k] - mean);
    return sum / n;
  };
  let variance = autocovariance(0);
  for (let k = 1; k < Math.min(horizon, n); k++) variance += 2 * autocovariance(k);
  // A negative long-run variance estimate (possible with h > 1) falls back to the plain variance.
  if (!(variance > 0)) variance = autocovariance(0);
  if (!(variance > 0)) return { statistic: 0, pValue: 1, n };
  const h = horizon;
  const correction = Math.sqrt((n + 1 - 2 * h + (h * (h - 1)) / n) / n);
  const statistic = (mean / Math.sqrt(variance / n)) * correction;
  return { statistic, pValue: 2 * (1 - tCdf(Math.abs(statistic), n - 1)), n };
}
