import { EarlyStopping, ProgressLogger, backendInfo } from '@rnn/core';
import { detectSeason } from '../evaluation/season';
import type { SeriesModel } from '../model/series-model';
import type { SeriesSpec, TrainingRecord } from '../model/spec';
import { takeWindows, type SplitCounts, type Windows } from '../model/windows';
import type { CliIo } from '../program/io';
import type { Series } from '../series/load-series';
import { formatTimestamp } from '../series/dates';

/** Training, validation and test windows, in time order. */
export interface WindowParts {
  train: Windows;
  validation: Windows;
  test: Windows;
}

/** Splits the windows by `counts`, in time order. */
export function splitWindows(all: Windows, counts: SplitCounts): WindowParts {
  const a = counts.train;
  const b = a + counts.validation;
  return { train: takeWindows(all, 0, a), validation: takeWindows(all, a, b), test: takeWindows(all, b, b + counts.test) };
}

/** The season of the seasonal-naive baseline: `--season`, else detected on the training span, else none. */
export function chooseSeason(given: number | undefined, train: readonly number[]): SeriesSpec['season'] {
  if (given !== undefined) return { length: given, source: 'given', autocorrelation: null };
  const found = detectSeason(train);
  return found && { length: found.length, source: 'detected', autocorrelation: found.autocorrelation };
}

/** Fit settings of `rnn train`. */
export interface FitSettings {
  epochs: number;
  batchSize: number;
  patience: number;
  quiet: boolean;
}

/**
 * Trains on the training windows with early stopping on the validation loss (the best epoch's
 * weights are kept), a progress bar on `io.stderr` unless quiet.
 */
export async function fitModel(model: SeriesModel, parts: WindowParts, s: FitSettings, io: CliIo): Promise<TrainingRecord> {
  const scale = (w: Windows) => [model.scaler.inputs(w.x), model.scaler.targets(w.x, w.y)] as const;
  const [x, y] = scale(parts.train);
  const [xVal, yVal] = scale(parts.validation);
  const stopper = new EarlyStopping({ monitor: 'val_loss', patience: s.patience, restoreBestWeights: true });
  const started = performance.now();
  const history = await model.net.fit(x, y, {
    epochs: s.epochs,
    batchSize: s.batchSize,
    validationData: [xVal, yVal],
    verbose: 0,
    callbacks: [stopper, ...(s.quiet ? [] : [new ProgressLogger({ verbose: 1, stream: io.stderr })])],
  });
  return {
    epochs: history.loss.length,
    bestEpoch: stopper.bestEpoch + 1,
    stoppedEarly: history.loss.length < s.epochs,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    backend: backendInfo().name,
    loss: history.loss,
    valLoss: history.val_loss,
    validation: {},
  };
}

/** `'close' of sp500.csv: 5104 rows, 2000-01-03 to 2020-04-17 (business days)`. */
export function describeData(series: Series, cadence: string | null): string {
  const features = series.inputs.length > 1 ? ` with input${series.inputs.length > 2 ? 's' : ''} ${series.inputs.slice(1).map((f) => `'${f}'`).join(', ')}` : '';
  const span = series.dates
    ? `${formatTimestamp(series.dates[0])} to ${formatTimestamp(series.dates[series.rows - 1])}${cadence ? ` (${cadence})` : ''}`
    : 'no date column';
  return `'${series.inputs[0]}'${features}: ${series.rows} rows, ${span}`;
}
