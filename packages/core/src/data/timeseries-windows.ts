import { DataError, ShapeError } from '../errors';
import { checkBufferSize } from '../buffer-limits';
import { checkCount, checkRequiredOptions, optionError, optionKeys } from '../options';
import { firstNonFinite } from '../finite-values';
import { Tensor } from '../tensor';

/** Options of {@link timeseriesWindows}. */
export interface TimeseriesWindowOptions {
  /** Steps of history per sample (the model's `steps`). */
  window: number;
  /** Future steps each sample predicts (default 1). */
  horizon?: number;
  /** Steps between the starts of consecutive samples (default 1). */
  stride?: number;
  /** Feature indices the targets keep (default: every feature). */
  targetFeatures?: readonly number[];
}

const TIMESERIES_WINDOW_OPTION_KEYS = optionKeys<TimeseriesWindowOptions>({ window: true, horizon: true, stride: true, targetFeatures: true });

/** Inputs and targets cut from one series. */
export interface TimeseriesWindows {
  /** `[n, window, features]`: sample `i` is `series[i·stride … i·stride + window − 1]`. */
  x: Tensor;
  /**
   * `[n, horizon · targets]`: the `horizon` steps right after sample `i`'s window, step-major
   * (all target features of the first future step, then the second, …). With `horizon = 1` and one
   * target this is `[n, 1]`, the shape `Dense(1)` predicts.
   */
  y: Tensor;
}

/**
 * Cuts a series into overlapping supervised samples: `window` past steps → the next `horizon` steps.
 * `series` is univariate (`number[]`, `Float32Array`, or a rank-1 Tensor) or multivariate
 * (`[time, features]` rows or a rank-2 Tensor). The sample count is
 * `n = floor((time − window − horizon) / stride) + 1`; fewer than `window + horizon` steps is a `DataError`.
 */
export function timeseriesWindows(
  series: readonly number[] | Float32Array | readonly (readonly number[])[] | Tensor,
  options: TimeseriesWindowOptions,
): TimeseriesWindows {
  const owner = 'timeseriesWindows';
  checkRequiredOptions(owner, options, TIMESERIES_WINDOW_OPTION_KEYS, '{ window: 10 }');
  const { values, time, features } = flattenSeries(series);
  checkFiniteSeries(values, features);
  const window = checkCount(owner, 'window', options.window);
  const horizon = checkCount(owner, 'horizon', options.horizon ?? 1);
  const stride = checkCount(owner, 'stride', options.stride ?? 1);
  const targets = options.targetFeatures ?? Array.from({ length: features }, (_, j) => j);
  if (!Array.isArray(targets) || targets.length === 0 || targets.some((j) => !Number.isInteger(j) || j < 0 || j >= features)) {
    optionError(owner, 'targetFeatures', `feature indices in [0, ${features})`, targets);
  }
  if (time < window + horizon) {
    throw new DataError(`timeseriesWindows needs at least window + horizon = ${window + horizon} steps, got ${time}`);
  }
  const n = Math.floor((time - window - horizon) / stride) + 1;
  checkBufferSize(owner, `${n} windows of ${window} steps`, n * window * features);
  const x = new Float32Array(n * window * features); // [n, window, features]
  const y = new Float32Array(n * horizon * targets.length); // [n, horizon · targets]
  for (let i = 0; i < n; i++) {
    const start = i * stride;
    x.set(values.subarray(start * features, (start + window) * features), i * window * features);
    for (let h = 0; h < horizon; h++) {
      const row = (start + window + h) * features;
      targets.forEach((j, k) => (y[(i * horizon + h) * targets.length + k] = values[row + j]));
    }
  }
  return { x: new Tensor(x, [n, window, features]), y: new Tensor(y, [n, horizon * targets.length]) };
}

/** Windows of a series holding NaN or ±Infinity would only fail later, by window: name the step now. */
function checkFiniteSeries(values: Float32Array, features: number): void {
  const i = firstNonFinite(values);
  if (i < 0) return;
  const where = features === 1 ? `step ${i}` : `step ${Math.floor(i / features)}, feature ${i % features}`;
  throw new DataError(`timeseriesWindows: the series holds ${values[i]} at ${where} (as float32); the model takes finite numbers only: clean or impute the data first`);
}

function flattenSeries(series: readonly number[] | Float32Array | readonly (readonly number[])[] | Tensor): {
  values: Float32Array; // [time, features]
  time: number;
  features: number;
} {
  if (series instanceof Tensor) {
    if (series.rank !== 1 && series.rank !== 2) {
      throw new ShapeError(`timeseriesWindows expected a series of rank 1 [time] or 2 [time, features], got [${series.shape.join(', ')}]`);
    }
    return { values: series.data, time: series.shape[0], features: series.rank === 2 ? series.shape[1] : 1 };
  }
  if (series instanceof Float32Array) return { values: series, time: series.length, features: 1 };
  if (series.length > 0 && Array.isArray(series[0])) {
    const t = Tensor.fromArray(series as number[][], 'timeseriesWindows series');
    return { values: t.data, time: t.shape[0], features: t.shape[1] };
  }
  const t = Tensor.fromArray(series as number[], 'timeseriesWindows series');
  return { values: t.data, time: t.shape[0], features: 1 };
}
