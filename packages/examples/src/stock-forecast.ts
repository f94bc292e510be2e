/**
 * The tutorial's stock-price LSTM, done right: daily S&P 500 closes (2000–2020), min-max scaled,
 * windows of 10 days → the next close, chronological 80/20 split, LSTM(50, returnSequences) →
 * LSTM(50) → Dense(1), Adam, MSE, batch 32.
 *
 * Where the tutorial went wrong, and what this does instead:
 * - its RMSE mixed scales (scaled predictions against raw prices): here both predictions and
 *   targets are inverse-transformed, so the RMSE is in index points;
 * - it reported the RMSE alone: a daily price is nearly a random walk, so "tomorrow = today" is
 *   the baseline any model must beat, and we print both and say which wins;
 * - it fitted the scaler on the whole series: here it sees only the training span, so nothing of
 *   the test period leaks into training (test values above the training maximum scale past 1).
 *
 * Run: `node packages/examples/dist/stock-forecast.js [--epochs N] [--window N] [--csv FILE]
 * [--column NAME] [--out DIR]`.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  Dense,
  LSTM,
  MinMaxScaler,
  Sequential,
  Tensor,
  backendInfo,
  forecast,
  getAttachment,
  loadModel,
  readCsv,
  saveModel,
  setAttachment,
  timeseriesWindows,
  trainTestSplit,
} from '@rnn/core';
import { rmse, secondsSince } from './metrics';
import { lineChart, writeSvg } from './plots';

/** Options of {@link main}. */
export interface StockForecastOptions {
  /** CSV file with a header row (default: the bundled `data/sp500-2000.csv`). */
  csv?: string;
  /** Column to forecast (default `close`); a `date` column, if present, labels the plot. */
  column?: string;
  /** Training epochs (default 10). */
  epochs?: number;
  /** Days of history per sample (default 10). */
  window?: number;
  /** Output directory for plots and the saved model (default `out` in the working directory). */
  out?: string;
  /** Use only the last `lastRows` rows of the CSV (default: all), e.g. for a quick run. */
  lastRows?: number;
  /** `fit`'s verbosity: 1 = progress bar (default), 2 = a line per epoch, 0 = silent. */
  verbose?: 0 | 1 | 2;
  /** Seed of weights and shuffling (default 42). */
  seed?: number;
  /** Where the report goes (default `console.log`). */
  log?: (line: string) => void;
}

/** What one run measured. */
export interface StockForecastResult {
  trainSamples: number;
  testSamples: number;
  /** Test RMSE of the model, in the column's units (index points). */
  modelRmse: number;
  /** Test RMSE of predicting each day's close as the previous day's. */
  naiveRmse: number;
  beatsNaive: boolean;
  /** Mean of prediction − actual over the test span (negative: the model lags below). */
  meanError: number;
  /** Share of test targets above the training span's maximum (out of the scaler's fitted range). */
  aboveTrainingMax: number;
  /** Final training and validation loss (MSE on the scaled series). */
  finalLoss: number;
  finalValLoss: number | null;
  /** True when the saved-and-reloaded model predicts bit-identically. */
  reloadIdentical: boolean;
  /** Recursive forecast of the 5 steps after the data, in the column's units. */
  nextFive: number[];
  plots: string[];
  modelDir: string;
  trainSeconds: number;
}

/** The bundled S&P 500 file, found from the compiled file or the source file alike. */
export const DEFAULT_CSV = join(__dirname, '..', 'data', 'sp500-2000.csv');

/** Runs the whole stock-forecast pipeline and returns what it measured (see the file header). */
export async function main(options: StockForecastOptions = {}): Promise<StockForecastResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const column = options.column ?? 'close';
  const window = options.window ?? 10;
  const epochs = options.epochs ?? 10;
  const out = resolve(options.out ?? 'out');
  const csvPath = options.csv ?? DEFAULT_CSV;

  const table = readCsv(csvPath);
  let values = table.column(column);
  let labels = table.columns.includes('date') ? table.rows.map((r) => String(r.date)) : values.map((_, i) => String(i));
  if (options.lastRows !== undefined) {
    values = values.slice(-options.lastRows);
    labels = labels.slice(-options.lastRows);
  }
  log(`${values.length} daily '${column}' values from ${labels[0]} to ${labels[labels.length - 1]}; backend: ${backendInfo().name}`);

  // Windows over the raw series, split chronologically; the scaler is fitted on the training span only.
  const raw = timeseriesWindows(values, { window });
  const split = trainTestSplit(raw.x, raw.y, { testFraction: 0.2 });
  const trainSpan = values.slice(0, split.xTrain.shape[0] + window);
  const scaler = new MinMaxScaler({ featureRange: [0, 1] }).fit(trainSpan);
  const xTrain = scaler.transform(split.xTrain); // [nTrain, window, 1]
  const yTrain = scaler.transform(split.yTrain); // [nTrain, 1]
  const xTest = scaler.transform(split.xTest); // [nTest, window, 1]
  log(`${xTrain.shape[0]} training windows, ${xTest.shape[0]} test windows of ${window} days`);

  const model = new Sequential(
    [
      new LSTM({ units: 50, returnSequences: true, inputShape: [window, 1] }),
      new LSTM({ units: 50 }),
      new Dense({ units: 1 }),
    ],
    { name: 'sp500_lstm', seed: options.seed ?? 42 },
  );
  model.compile({ optimizer: 'adam', loss: 'mse' });
  model.summary((text) => log(text));

  const started = performance.now();
  // Validation: the last 10% of the training windows (Keras takes them from the end, before shuffling).
  const history = await model.fit(xTrain, yTrain, {
    epochs,
    batchSize: 32,
    validationSplit: 0.1,
    verbose: options.verbose ?? 1,
  });
  const trainSeconds = secondsSince(started);

  const predicted = scaler.inverseTransform(await model.predict(xTest)).data; // [nTest] index points
  const actual = split.yTest.data; // [nTest] index points, never scaled
  const lastSeen = lastStepOf(split.xTest); // [nTest] each window's final close
  const modelRmse = rmse(predicted, actual);
  const naiveRmse = rmse(lastSeen, actual);
  const beatsNaive = modelRmse < naiveRmse;
  const meanError = mean(Array.from(predicted, (p, i) => p - actual[i]));
  const trainMax = Math.max(...trainSpan);
  const aboveTrainingMax = actual.filter((v) => v > trainMax).length / actual.length;
  log('');
  log(`Trained ${epochs} epochs in ${trainSeconds} s.`);
  log(`Test RMSE, model:                        ${modelRmse.toFixed(2)} index points (mean error ${meanError.toFixed(2)})`);
  log(`Test RMSE, naive "tomorrow = today":     ${naiveRmse.toFixed(2)} index points`);
  if (beatsNaive) {
    log(`The model beats the naive baseline by ${(naiveRmse - modelRmse).toFixed(2)} points.`);
  } else {
    log(`The model does NOT beat the naive baseline (worse by ${(modelRmse - naiveRmse).toFixed(2)} points).`);
    log(
      '  Why: daily closes are close to a random walk, so yesterday’s close is a hard forecast to improve on; and ' +
        `${(aboveTrainingMax * 100).toFixed(0)}% of the test closes lie above the highest close seen in training ` +
        `(${trainMax.toFixed(0)}), where a model of price levels has to extrapolate (a negative mean error means it lags below).`,
    );
  }

  const testDates = labels.slice(labels.length - actual.length);
  const plots = [
    await writeSvg(
      out,
      'stock-forecast-test.svg',
      lineChart({
        title: `S&P 500 ${column}: next-day forecast over the test span`,
        x: { title: 'date', type: table.columns.includes('date') ? 'temporal' : 'quantitative' },
        y: { title: `${column} (index points)` },
        rows: [
          ...Array.from(actual, (y, i) => ({ x: testDates[i], y, series: 'actual' })),
          ...Array.from(predicted, (y, i) => ({ x: testDates[i], y, series: 'LSTM forecast' })),
        ],
      }),
    ),
    await writeSvg(
      out,
      'stock-forecast-learning-curve.svg',
      lineChart({
        title: 'Learning curve (MSE on the scaled series)',
        x: { title: 'epoch', type: 'quantitative' },
        y: { title: 'loss' },
        rows: history.epoch.flatMap((e, i) => [
          { x: e + 1, y: history.loss[i], series: 'loss' },
          ...(history.val_loss ? [{ x: e + 1, y: history.val_loss[i], series: 'val_loss' }] : []),
        ]),
        height: 240,
      }),
    ),
  ];
  for (const p of plots) log(`Wrote ${p}`);

  // Save with the scaler attached, reload, and check that nothing changed.
  const modelDir = join(out, 'stock-model');
  setAttachment(model, 'scaler', scaler.toJSON());
  setAttachment(model, 'window', window);
  await saveModel(model, modelDir);
  const reloaded = await loadModel(modelDir);
  const reloadedScaler = MinMaxScaler.fromJSON(getAttachment(reloaded, 'scaler'));
  const again = reloadedScaler.inverseTransform(await reloaded.predict(xTest)).data;
  const reloadIdentical = again.length === predicted.length && again.every((v, i) => Object.is(v, predicted[i]));
  log(`Saved the model to ${modelDir}; reloaded predictions are ${reloadIdentical ? 'bit-identical' : 'DIFFERENT (a bug)'}.`);

  // The reloaded model and its attached scaler, used as a deployed model would be: feed each
  // prediction back in to look a few days past the data (errors compound with every step).
  const ahead = reloadedScaler.inverseTransform(await forecast(reloaded, reloadedScaler.transform(values.slice(-window)), 5));
  log(`Next 5 trading days after ${labels[labels.length - 1]} (recursive forecast): ${ahead.map((v) => v.toFixed(0)).join(', ')}`);

  return {
    trainSamples: xTrain.shape[0],
    testSamples: xTest.shape[0],
    modelRmse,
    naiveRmse,
    beatsNaive,
    meanError,
    aboveTrainingMax,
    finalLoss: history.loss[history.loss.length - 1],
    finalValLoss: history.val_loss ? history.val_loss[history.val_loss.length - 1] : null,
    reloadIdentical,
    nextFive: ahead,
    plots,
    modelDir,
    trainSeconds,
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** The last step of each window: `[n, window, 1]` → `[n]`. */
function lastStepOf(x: Tensor): Float32Array {
  const [n, steps] = x.shape;
  return Float32Array.from({ length: n }, (_, i) => x.data[i * steps + steps - 1]);
}

if (typeof require !== 'undefined' && require.main === module) {
  const { values } = parseArgs({
    options: {
      csv: { type: 'string' },
      column: { type: 'string' },
      epochs: { type: 'string' },
      window: { type: 'string' },
      out: { type: 'string' },
    },
  });
  main({
    csv: values.csv,
    column: values.column,
    epochs: values.epochs === undefined ? undefined : Number(values.epochs),
    window: values.window === undefined ? undefined : Number(values.window),
    out: values.out,
  }).catch((err: unknown) => {
    console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
    process.exitCode = 1;
  });
}
