import { Tensor, timeseriesWindows } from '@rnn/core';
import { UsageError } from '../program/usage-error';
import type { Series } from '../series/load-series';

/** Supervised samples cut from a series. */
export interface Windows {
  /** `[n, window, features]` raw values, the target as feature 0. */
  x: Tensor;
  /** `[n, horizon]` raw target values right after each window. */
  y: Tensor;
  /** `[n]` row index of each window's first target. */
  targetRow: number[];
}

/** How many windows go to training, validation (early stopping) and test, in time order. */
export interface SplitCounts {
  train: number;
  validation: number;
  test: number;
}

/** Every window of `series`: `window` rows of every input → the next `horizon` values of the target. */
export function cutWindows(series: Series, window: number, horizon: number): Windows {
  const available = series.rows - window - horizon + 1;
  if (available < 1) {
    throw new UsageError(
      `--window ${window} with --horizon ${horizon} needs at least ${window + horizon} rows, but ${series.file} has ${series.rows}; give a shorter --window`,
    );
  }
  const features = series.inputs.length;
  const matrix = new Float32Array(series.rows * features); // [rows, features]
  series.columns.forEach((column, f) => column.forEach((v, t) => (matrix[t * features + f] = v)));
  const { x, y } = timeseriesWindows(new Tensor(matrix, [series.rows, features]), { window, horizon, targetFeatures: [0] });
  return { x, y, targetRow: Array.from({ length: x.shape[0] }, (_, i) => i + window) };
}

/** Windows `from … to − 1`. */
export function takeWindows(w: Windows, from: number, to: number): Windows {
  return { x: rows(w.x, from, to), y: rows(w.y, from, to), targetRow: w.targetRow.slice(from, to) };
}

function rows(t: Tensor, from: number, to: number): Tensor {
  const width = t.size / t.shape[0];
  return new Tensor(t.data.slice(from * width, to * width), [to - from, ...t.shape.slice(1)]);
}

/** Fewer training windows than this teach a network nothing worth saving. */
export const MIN_TRAINING_WINDOWS = 10;

/**
 * A chronological split: the last `testFraction` of the windows (rounded up) for testing, and the
 * last `validationFraction` of the rest for early stopping, as Keras's `validation_split` takes them.
 */
export function planSplit(windows: number, testFraction: number, validationFraction: number, context: string): SplitCounts {
  const test = Math.ceil(windows * testFraction);
  const before = windows - test;
  const validation = before - Math.floor(before * (1 - validationFraction));
  const train = before - validation;
  if (train >= MIN_TRAINING_WINDOWS && validation >= 1 && test >= 1) return { train, validation, test };
  const s = (n: number) => (n === 1 ? '' : 's');
  // Too few windows for any split: only more rows or a shorter window help.
  if (windows < MIN_TRAINING_WINDOWS + 2) {
    throw new UsageError(
      `${context} makes ${windows} window${s(windows)}, too few to split into training (at least ${MIN_TRAINING_WINDOWS}), validation and test; give more rows or a shorter --window`,
    );
  }
  // Enough windows, but the fractions leave too few for training or none for validation.
  const short = train < MIN_TRAINING_WINDOWS ? `leaving ${train} for training, fewer than ${MIN_TRAINING_WINDOWS}` : 'leaving none for validation';
  const fix = train < MIN_TRAINING_WINDOWS ? 'give a smaller --test-fraction or --validation-fraction' : 'give a larger --validation-fraction';
  throw new UsageError(
    `--test-fraction ${testFraction} holds out ${test} of the ${windows} windows (${context}) for testing and --validation-fraction ${validationFraction} ` +
      `takes ${validation} of the other ${before} for validation, ${short}; ${fix}, or more rows`,
  );
}
