import type { ErrorMetrics } from '../model/spec';
import { dieboldMariano } from './diebold-mariano';
import { windowLosses } from './metrics';

/** Fewer windows than this are not tested: the verdict says the comparison is inconclusive. */
export const MIN_WINDOWS = 10;
/** Significance level of the Diebold–Mariano test. */
export const ALPHA = 0.05;

/** How the model compares with one baseline. */
export interface Verdict {
  baseline: string;
  outcome: 'better' | 'worse' | 'tie' | 'too-few';
  /** (baseline RMSE − model RMSE) / baseline RMSE, in percent: positive when the model is better. */
  rmseGainPercent: number;
  pValue: number | null;
  windows: number;
  text: string;
}

/**
 * The verdict of the model against a baseline on the same windows (`[n, horizon]` values each):
 * the RMSE gain, and whether it is more than chance by a Diebold–Mariano test on the per-window
 * squared errors at level {@link ALPHA}. Under {@link MIN_WINDOWS} windows no verdict is given.
 */
export function verdict(
  baseline: string,
  model: { predicted: ArrayLike<number>; metrics: ErrorMetrics },
  base: { predicted: ArrayLike<number>; metrics: ErrorMetrics },
  actual: ArrayLike<number>,
  horizon: number,
): Verdict {
  const windows = actual.length / horizon;
  const gain = base.metrics.rmse > 0 ? ((base.metrics.rmse - model.metrics.rmse) / base.metrics.rmse) * 100 : 0;
  // One decimal, or one significant digit for gains under 0.05% (never "0.0% lower").
  const shown = Math.abs(gain) >= 0.05 || gain === 0 ? Math.abs(gain).toFixed(1) : Math.abs(gain).toPrecision(1);
  const size = `RMSE ${shown}% ${gain >= 0 ? 'lower' : 'higher'}`;
  if (windows < MIN_WINDOWS) {
    const text = `inconclusive against ${baseline}: ${windows} window${windows === 1 ? ' is' : 's are'} too few to tell (${size}; at least ${MIN_WINDOWS} are needed)`;
    return { baseline, outcome: 'too-few', rmseGainPercent: gain, pValue: null, windows, text };
  }
  const test = dieboldMariano(windowLosses(model.predicted, actual, horizon), windowLosses(base.predicted, actual, horizon), horizon);
  const evidence = `${size}, Diebold–Mariano p ${formatP(test.pValue)} over ${windows} windows`;
  let outcome: Verdict['outcome'] = 'tie';
  if (test.pValue < ALPHA) outcome = test.statistic < 0 ? 'better' : 'worse';
  const text =
    outcome === 'better'
      ? `the model beats ${baseline} (${evidence})`
      : outcome === 'worse'
        ? `${baseline} beats the model (${evidence})`
        : `no clear difference from ${baseline} (${evidence}: within chance, call it a tie)`;
  return { baseline, outcome, rmseGainPercent: gain, pValue: test.pValue, windows, text };
}

function formatP(p: number): string {
  return p < 0.001 ? '< 0.001' : `= ${p.toPrecision(2)}`;
}
