import { UsageError } from '../program/usage-error';
import type { ColumnScaling, ScalingKind } from './column-scaling';
import { extent } from '../series/extent';

/** A scaling kind, or `auto` to choose one from the data. */
export type ScalingChoice = ScalingKind | 'auto';

/** The fitted scaling of one column and, in words, why it was chosen. */
export interface FittedScaling {
  scaling: ColumnScaling;
  reason: string;
}

/**
 * Chooses and fits the scaling of one column. `all` is the whole column (its sign decides whether
 * ratios are defined anywhere they will be taken), `train` the training span (every statistic comes
 * from it alone), `window` the steps per sample. Auto: ratio when every value is positive; else
 * standardisation when the training span keeps returning to its mean (its autocorrelation falls
 * below zero within a twentieth of its length), else differences.
 */
export function fitScaling(name: string, all: readonly number[], train: readonly number[], window: number, choice: ScalingChoice): FittedScaling {
  checkNotConstant(name, train);
  const positive = all.every((v) => v > 0);
  if (choice === 'ratio' && !positive) {
    const i = all.findIndex((v) => v <= 0);
    throw new UsageError(`--scaling ratio needs '${name}' > 0 everywhere, but data row ${i + 1} holds ${all[i]}; use --scaling diff or standard`);
  }
  let kind: ScalingKind;
  let why: string;
  if (choice !== 'auto') [kind, why] = [choice, 'as asked (--scaling)'];
  else if (positive) [kind, why] = ['ratio', 'every value is positive'];
  else {
    const limit = Math.max(2, Math.floor(train.length / 20));
    const lag = meanReversionLag(train, limit);
    [kind, why] =
      lag !== null && lag <= limit
        ? ['standard', `it takes values ≤ 0 and keeps returning to its mean (autocorrelation below 0 by lag ${lag})`]
        : ['diff', `it takes values ≤ 0 and wanders (autocorrelation still above 0 at lag ${limit})`];
  }
  return { scaling: fit(kind, train, window), reason: why };
}

function fit(kind: ScalingKind, train: readonly number[], window: number): ColumnScaling {
  if (kind === 'standard') {
    const mean = train.reduce((a, b) => a + b, 0) / train.length;
    return { kind, center: mean, scale: Math.sqrt(train.reduce((a, v) => a + (v - mean) ** 2, 0) / train.length) };
  }
  if (kind === 'minmax') {
    const [min, max] = extent(train);
    return { kind, center: min, scale: max - min };
  }
  return { kind, center: 0, scale: relativeChangeRms(kind, train, window) };
}

/**
 * Root mean square of `x_t / x_last − 1` (ratio) or `x_t − x_last` (diff) over every step of every
 * window of the training span, the target step included: what the network will see, so its inputs are O(1).
 */
function relativeChangeRms(kind: 'ratio' | 'diff', train: readonly number[], window: number): number {
  let sum = 0;
  let count = 0;
  for (let end = window - 1; end < train.length - 1; end++) {
    const last = train[end];
    for (let t = end - window + 1; t <= end + 1; t++) {
      const change = kind === 'ratio' ? train[t] / last - 1 : train[t] - last;
      sum += change * change;
      count++;
    }
  }
  const rms = Math.sqrt(sum / Math.max(count, 1));
  return rms > 0 ? rms : fallbackScale(train);
}

/** The spread of the training span, for windows that never move (a series constant in stretches). */
function fallbackScale(train: readonly number[]): number {
  const [min, max] = extent(train);
  return max - min;
}

function checkNotConstant(name: string, train: readonly number[]): void {
  if (train.every((v) => v === train[0])) {
    throw new UsageError(
      `'${name}' is constant over the training span (every value is ${train[0]}): there is nothing to learn from it` +
        ' (as a target, "same as before" forecasts it exactly; as a feature, leave it out of --features)',
    );
  }
}

/** The first lag up to `maxLag` at which the autocorrelation of `x` drops below zero, or `null`. */
function meanReversionLag(x: readonly number[], maxLag: number): number | null {
  for (let lag = 1; lag <= maxLag; lag++) if (autocorrelation(x, lag) < 0) return lag;
  return null;
}

/** Sample autocorrelation of `x` at `lag` (the biased estimator, as in statsmodels' `acf`). */
export function autocorrelation(x: readonly number[], lag: number): number {
  const n = x.length;
  const mean = x.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let t = 0; t < n; t++) {
    const d = x[t] - mean;
    den += d * d;
    if (t + lag < n) num += d * (x[t + lag] - mean);
  }
  return den === 0 ? 0 : num / den;
}
