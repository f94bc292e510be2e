import { basename, join, resolve } from 'node:path';
import type { Tensor } from '@rnn/core';
import { Command, Option } from 'commander';
import { compareOnWindows } from '../evaluation/compare';
import { buildNetwork, describeNetwork, parameterCount } from '../model/network';
import { SeriesModel } from '../model/series-model';
import { CELL_TYPES, type CellType, type SeriesSpec } from '../model/spec';
import { cutWindows, planSplit } from '../model/windows';
import { plotLearningCurve } from './plot-files';
import { lineWriter, type CliIo } from '../program/io';
import { checkOutputDirectory, checkOutputFile } from '../program/output-paths';
import { UsageError } from '../program/usage-error';
import { fraction, integerAtLeast, positiveInteger, positiveIntegerList, positiveNumber, seedNumber } from '../program/option-parsers';
import { comparisonLines } from '../report/comparison-report';
import { SCALING_KINDS } from '../scaling/column-scaling';
import { fitScaling, type ScalingChoice } from '../scaling/fit-scaling';
import { detectCadence } from '../series/cadence';
import { loadSeries, rowLabel, type Series } from '../series/load-series';
import { addSeriesOptions, seriesRequest, type SeriesOptions } from './series-options';
import { chooseSeason, describeData, fitModel, splitWindows } from './train-steps';
import { describeScaling, describeSeason, describeSplit } from './describe';
import { extent } from '../series/extent';

/** Options of `rnn train`, as parsed. */
export interface TrainOptions extends SeriesOptions {
  model: CellType;
  units: number[];
  window: number;
  horizon: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  patience: number;
  testFraction: number;
  validationFraction: number;
  scaling: ScalingChoice;
  season?: number;
  unit?: string;
  seed: number;
  out: string;
  plot?: string | false;
  quiet?: boolean;
}

/** Adds `rnn train` to `program`. */
export function addTrainCommand(program: Command, io: CliIo): void {
  const command = program
    .command('train')
    .summary('train a model that forecasts one column of a CSV file')
    .description(
      'Train a recurrent network to forecast one column of a CSV file from its recent past (and, with --features, other columns).\n' +
        'The rows are split in time order: training, validation (early stopping) and a held-out test span for `rnn evaluate`.\n' +
        'The model, its preprocessing and a learning-curve plot are saved in --out.',
    )
    .argument('<csv>', 'CSV file with a header row');
  addSeriesOptions(command, true);
  command
    .addOption(new Option('--model <type>', 'recurrent layer').choices([...CELL_TYPES]).default('lstm'))
    .addOption(new Option('--units <list>', 'units of each recurrent layer, bottom first').argParser(positiveIntegerList).default([50, 50], '50,50'))
    .addOption(new Option('--window <n>', 'past rows each forecast reads').argParser(positiveInteger).default(30))
    .addOption(new Option('--horizon <n>', 'future values each forecast gives').argParser(positiveInteger).default(1))
    .addOption(new Option('--epochs <n>', 'most training epochs (early stopping may end sooner)').argParser(positiveInteger).default(50))
    .addOption(new Option('--patience <n>', 'epochs without a better validation loss before stopping').argParser(positiveInteger).default(5))
    .addOption(new Option('--batch-size <n>', 'windows per training step').argParser(positiveInteger).default(32))
    .addOption(new Option('--learning-rate <x>', "Adam's learning rate").argParser(positiveNumber).default(0.001))
    .addOption(new Option('--scaling <kind>', 'scaling of each column (auto explains its choice)').choices(['auto', ...SCALING_KINDS]).default('auto'))
    .addOption(new Option('--season <n>', 'season length of the seasonal-naive baseline (default: detected)').argParser(integerAtLeast(2)))
    .addOption(new Option('--test-fraction <x>', 'share of the windows held out for testing').argParser(fraction).default(0.2))
    .addOption(new Option('--validation-fraction <x>', 'share of the other windows used for early stopping').argParser(fraction).default(0.1))
    .addOption(new Option('--unit <text>', "the target's unit, for axis titles (e.g. °C)"))
    .addOption(new Option('--seed <n>', 'seed of the initial weights and shuffling').argParser(seedNumber).default(42))
    .addOption(new Option('--out <dir>', 'directory for the model').default('rnn-model'))
    .addOption(new Option('--plot <file>', 'learning-curve SVG (default: <out>/learning-curve.svg)'))
    .addOption(new Option('--no-plot', 'write no plot'))
    .addOption(new Option('--quiet', 'no progress bar'))
    .action((csv: string, options: TrainOptions) => runTrain(csv, options, io).then(() => undefined));
}

/** `rnn train`: load, split, scale, train, compare on the validation windows, save, plot. */
export async function runTrain(csv: string, o: TrainOptions, io: CliIo): Promise<SeriesSpec> {
  const say = lineWriter(io.stdout);
  // Where the results go is checked before training, so a bad path cannot cost a training run.
  checkOutputDirectory(o.out, '--out');
  const plotPath = o.plot === false ? null : (o.plot ?? join(o.out, LEARNING_CURVE));
  if (plotPath !== null) checkPlotPath(plotPath, o);
  const series = loadSeries(seriesRequest(csv, o));
  const windows = cutWindows(series, o.window, o.horizon);
  const counts = planSplit(windows.x.shape[0], o.testFraction, o.validationFraction, `--window ${o.window} on ${series.rows} rows`);
  const parts = splitWindows(windows, counts);
  const trainRows = counts.train + o.window + o.horizon - 1; // the rows the training windows cover
  const fitted = series.inputs.map((name, f) => fitScaling(name, series.columns[f], series.columns[f].slice(0, trainRows), o.window, o.scaling));
  const spec = newSpec(series, o, fitted, counts, parts.test.targetRow[0]);
  const trainTarget = series.columns[0].slice(0, trainRows);
  spec.data.trainingRange = extent(trainTarget);
  spec.season = chooseSeason(o.season, trainTarget);
  say(`Training data: ${describeData(series, series.dates ? detectCadence(series.dates)?.description ?? null : null)}`);
  for (const line of [...describeScaling(spec), describeSeason(spec), describeSplit(spec)]) say(line);

  const net = buildNetwork({ type: o.model, units: o.units, window: o.window, features: series.inputs.length, horizon: o.horizon, seed: o.seed, learningRate: o.learningRate });
  spec.model.parameters = parameterCount(net);
  const model = new SeriesModel(net, spec);
  say(`Model: ${describeNetwork(o.model, o.units, o.horizon)}, ${spec.model.parameters.toLocaleString('en-US')} parameters, ${o.epochs} epochs at most`);
  spec.training = await fitModel(model, parts, { ...o, quiet: o.quiet === true }, io);
  const t = spec.training;
  say(`Trained ${t.epochs} epoch${t.epochs === 1 ? '' : 's'} in ${t.seconds} s on the ${t.backend} backend${t.stoppedEarly ? ' (stopped early)' : ''}; kept the weights of epoch ${t.bestEpoch}, the best on validation.`);

  const validation = await compareOnWindows(model, parts.validation, series.columns[0]);
  for (const f of validation.forecasts) spec.training.validation[f.name] = f.metrics;
  say(`On the ${counts.validation} validation windows (${rowLabel(series, parts.validation.targetRow[0])} on):`);
  for (const line of comparisonLines(validation, spec.unit)) say(line);

  // The model first: a plot that cannot be written must not lose the trained model.
  await saveAndCheck(model, o.out, parts.validation.x, say);
  if (plotPath !== null) say(`Wrote ${await plotLearningCurve(spec, plotPath)}`);
  return spec;
}

const LEARNING_CURVE = 'learning-curve.svg';

function checkPlotPath(path: string, o: TrainOptions): void {
  const what = o.plot === undefined ? 'the learning-curve plot' : '--plot';
  if (resolve(path) === resolve(o.out)) throw new UsageError(`${what} '${path}' is the --out directory; give the plot a file name of its own`);
  checkOutputFile(path, what, LEARNING_CURVE);
}

function newSpec(series: Series, o: TrainOptions, fitted: ReturnType<typeof fitScaling>[], counts: SeriesSpec['data']['windows'], testStartRow: number): SeriesSpec {
  return {
    format: 'rnn-series',
    version: 1,
    target: series.inputs[0],
    inputs: series.inputs,
    scaling: fitted.map((f) => f.scaling),
    scalingReasons: fitted.map((f) => f.reason),
    dateColumn: series.dateColumn,
    dateFormat: o.dateFormat ?? null,
    unit: o.unit ?? null,
    window: o.window,
    horizon: o.horizon,
    season: null,
    model: { type: o.model, units: o.units, parameters: 0 },
    data: {
      file: basename(series.file),
      rows: series.rows,
      first: rowLabel(series, 0),
      last: rowLabel(series, series.rows - 1),
      windows: counts,
      testStartRow,
      testStartDate: series.dates ? series.dates[testStartRow] : null,
      trainingRange: [0, 0],
    },
    training: { epochs: 0, bestEpoch: 0, stoppedEarly: false, seconds: 0, backend: '', loss: [], valLoss: [], validation: {} },
  };
}

/** Saves the model, reloads it, and checks that the reloaded model predicts exactly the same. */
async function saveAndCheck(model: SeriesModel, dir: string, x: Tensor, say: (line: string) => void): Promise<void> {
  const before = (await model.predict(x)).data;
  await model.save(dir);
  const after = (await (await SeriesModel.load(dir)).predict(x)).data;
  const same = after.length === before.length && after.every((v, i) => Object.is(v, before[i]));
  if (!same) throw new Error(`the model saved in ${dir} predicts differently after reloading`);
  say(`Saved the model to ${dir} (reloaded and checked: identical predictions).`);
}
