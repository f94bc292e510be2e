import { DataError, ShapeError } from '../errors';
import { checkCount, checkOptions, describeValue } from '../options';
import { Tensor } from '../tensor';

/** A model that maps `[batch, window, 1]` to `[batch, 1]` (or `[batch, k]`, of which the first value is next). */
export interface UnivariatePredictor {
  predict(x: Tensor): Promise<Tensor>;
}

/** Options of {@link forecast}. */
export interface ForecastOptions {
  /** Steps the model reads (default: all of `history`). Only the last `window` values of `history` are used. */
  window?: number;
}

/**
 * Forecasts `steps` values past the end of `history` by feeding each prediction back as the newest
 * input (recursive multi-step forecasting). Values are in the model's scale: scale `history` first
 * and inverse-transform the result. Errors compound with each step, so long horizons drift.
 */
export async function forecast(
  model: UnivariatePredictor,
  history: readonly number[] | Float32Array,
  steps: number,
  options: ForecastOptions = {},
): Promise<number[]> {
  checkOptions('forecast', options, ['window'] satisfies (keyof ForecastOptions)[]);
  checkCount('forecast', 'steps', steps);
  if (history?.length === 0 || !(Array.isArray(history) || history instanceof Float32Array)) {
    throw new DataError(`forecast expected the recent history as an array of numbers, got ${Array.isArray(history) ? 'an empty array' : describeValue(history)}`);
  }
  const window = checkCount('forecast', 'window', options.window ?? history.length);
  if (history.length < window) throw new DataError(`forecast needs at least window = ${window} history values, got ${history.length}`);
  const recent = Array.from(history.slice(history.length - window));
  if (recent.some((v) => !Number.isFinite(v))) throw new DataError('forecast history must be finite numbers');
  const out: number[] = [];
  for (let s = 0; s < steps; s++) {
    const y = await model.predict(new Tensor(Float32Array.from(recent), [1, window, 1]));
    // A model returning sequences ([1, steps, k]) would be read at its first step: refused.
    if (y.rank !== 2 || y.shape[0] !== 1 || y.size < 1) {
      throw new ShapeError(`forecast expected the model to return [1, k] for one window, got [${y.shape.join(', ')}]`);
    }
    const next = y.data[0];
    out.push(next);
    recent.shift();
    recent.push(next);
  }
  return out;
}
