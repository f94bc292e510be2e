import { Tensor } from '@rnn/core';
import { UsageError } from '../program/usage-error';
import type { Series } from '../series/load-series';
import type { SeriesModel } from './series-model';

/**
 * The `steps` values of the target after the end of `series`. Each call of the network gives
 * `horizon` values; a univariate model feeds them back as the newest inputs and goes on
 * (recursive forecasting: errors compound, so long horizons drift). A model with other input
 * columns cannot go past its horizon: their future values are unknown.
 */
export async function forecastAhead(model: SeriesModel, series: Series, steps: number): Promise<number[]> {
  const { window, horizon, inputs, target } = model.spec;
  if (series.rows < window) {
    throw new UsageError(`forecasting needs the last ${window} rows (the window), but ${series.file} has ${series.rows}; give a file with at least ${window} rows`);
  }
  if (inputs.length > 1 && steps > horizon) {
    throw new UsageError(
      `'${target}' is forecast from other columns too (${inputs.slice(1).join(', ')}), whose future values are unknown: ` +
        `--steps can be at most the model's horizon (${horizon}); train with --horizon ${steps} to forecast that far`,
    );
  }
  const features = inputs.length;
  const recent: number[][] = Array.from({ length: window }, (_, t) => series.columns.map((c) => c[series.rows - window + t]));
  const out: number[] = [];
  while (out.length < steps) {
    const x = new Tensor(Float32Array.from(recent.flat()), [1, window, features]);
    const next = Array.from((await model.predict(x)).data).slice(0, steps - out.length);
    if (next.some((v) => !Number.isFinite(v))) throw new Error(`the forecast became non-finite after ${out.length} steps`);
    out.push(...next);
    // Only a univariate model gets here more than once.
    for (const v of next) recent.push([v]), recent.shift();
  }
  return out;
}
