import type { SeriesModel } from '../model/series-model';
import type { ErrorMetrics } from '../model/spec';
import type { Windows } from '../model/windows';
import { naiveForecasts, seasonalNaiveForecasts } from './baselines';
import { errorMetrics } from './metrics';
import { verdict, type Verdict } from './verdict';

/** One forecaster's forecasts `[n, horizon]` of a set of windows, and its errors. */
export interface Forecasts {
  name: string;
  predicted: Float32Array;
  metrics: ErrorMetrics;
}

/** The model and its baselines on the same windows. */
export interface Comparison {
  /** `[n, horizon]` actual target values. */
  actual: Float32Array;
  /** The model first, then the naive and (with a season) the seasonal-naive baseline. */
  forecasts: Forecasts[];
  /** The model against each baseline. */
  verdicts: Verdict[];
}

/** Forecasts `w` with the model and the baselines, and compares them. */
export async function compareOnWindows(model: SeriesModel, w: Windows, target: readonly number[]): Promise<Comparison> {
  const actual = w.y.data;
  const horizon = model.spec.horizon;
  const entry = (name: string, predicted: Float32Array): Forecasts => ({ name, predicted, metrics: errorMetrics(predicted, actual) });
  const forecasts = [entry('model', (await model.predict(w.x)).data), entry('naive', naiveForecasts(w))];
  const season = model.spec.season?.length;
  const seasonal = season ? seasonalNaiveForecasts(target, w, season) : null;
  if (seasonal) forecasts.push(entry(`seasonal naive (${season})`, seasonal));
  const verdicts = forecasts.slice(1).map((base) => verdict(`the ${base.name} baseline`, forecasts[0], base, actual, horizon));
  return { actual, forecasts, verdicts };
}
