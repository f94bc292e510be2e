import { join } from 'node:path';
import { Command, Option } from 'commander';
import { compareOnWindows, type Comparison } from '../evaluation/compare';
import { cutWindows, takeWindows } from '../model/windows';
import { evaluationChart } from '../plots/series-charts';
import { writeSvg } from '../plots/render';
import { lineWriter, type CliIo } from '../program/io';
import { checkOutputFile } from '../program/output-paths';
import { positiveInteger } from '../program/option-parsers';
import { UsageError } from '../program/usage-error';
import { comparisonLines } from '../report/comparison-report';
import { jsonNumber } from '../report/numbers';
import { rowLabel } from '../series/load-series';
import { loadModelAndData, positionsOf, testStartRow, type ModelAndData } from './model-data';

/** Options of `rnn evaluate`. */
export interface EvaluateOptions {
  plot?: string | false;
  zoom: number;
  format: 'table' | 'json';
}

/** Adds `rnn evaluate` to `program`. */
export function addEvaluateCommand(program: Command, io: CliIo): void {
  program
    .command('evaluate')
    .summary('test a model on the rows it never saw, against naive baselines')
    .description(
      'Forecast the held-out test span of a CSV file (the rows after the training data) and compare the model with the\n' +
        'naive ("same as the last value") and seasonal-naive ("same as one season ago") baselines: RMSE, MAE, MAPE,\n' +
        'and a verdict from a Diebold–Mariano test that says when the test span is too short to tell.',
    )
    .argument('<model-dir>', 'a directory written by rnn train')
    .argument('<csv>', 'the CSV file (the training file, or a newer one with the same columns)')
    .addOption(new Option('--zoom <n>', 'points in the zoomed panel of the plot').argParser(positiveInteger).default(60))
    .addOption(new Option('--format <format>', 'report format').choices(['table', 'json']).default('table'))
    .addOption(new Option('--plot <file>', 'plot SVG (default: <model-dir>/evaluation.svg)'))
    .addOption(new Option('--no-plot', 'write no plot'))
    .action((dir: string, csv: string, options: EvaluateOptions) => runEvaluate(dir, csv, options, io).then(() => undefined));
}

/** `rnn evaluate`: the model and its baselines on the test span. */
export async function runEvaluate(dir: string, csv: string, o: EvaluateOptions, io: CliIo): Promise<Comparison> {
  const data = await loadModelAndData(dir, csv);
  const plotPath = o.plot === false ? null : (o.plot ?? join(dir, 'evaluation.svg'));
  // Checked after the model (whose directory holds the default plot) and before the work.
  if (plotPath !== null) checkOutputFile(plotPath, o.plot === undefined ? 'the plot' : '--plot', 'evaluation.svg');
  const { spec } = data.model;
  const first = firstTestTarget(data);
  const all = cutWindows(data.series, spec.window, spec.horizon);
  // Window i forecasts from row i + window on.
  const test = takeWindows(all, first - spec.window, all.targetRow.length);
  const comparison = await compareOnWindows(data.model, test, data.series.columns[0]);
  const rows = test.targetRow;
  const span = `${rowLabel(data.series, rows[0])} to ${rowLabel(data.series, rows[rows.length - 1])}`;
  const plot = plotPath === null ? null : await writeSvg(plotPath, chart(data, rows, comparison, o.zoom));
  if (o.format === 'json') {
    io.stdout.write(`${JSON.stringify(jsonReport(data, span, comparison), null, 2)}\n`);
  } else {
    const say = lineWriter(io.stdout);
    const ahead = spec.horizon === 1 ? 'next value' : `next ${spec.horizon} values`;
    say(`Test span of '${spec.target}': ${rows.length} windows, forecasting the ${ahead} from ${span}`);
    for (const line of comparisonLines(comparison, spec.unit)) say(line);
    const outside = outsideTrainingRange(data, comparison.actual);
    if (outside !== null) say(outside);
  }
  if (plot) lineWriter(o.format === 'json' ? io.stderr : io.stdout)(`Wrote ${plot}`);
  return comparison;
}

/**
 * The row of the first test window's first target: the test span's first row, or later when the
 * span starts within the first window's rows. A file that ends before a whole window (its `horizon`
 * targets included) fits in the test span has nothing to evaluate: never fall back on training rows.
 */
function firstTestTarget(data: ModelAndData): number {
  const { window, horizon } = data.model.spec;
  const { series } = data;
  const start = testStartRow(data);
  const first = Math.max(start, window);
  if (first + horizon <= series.rows) return first;
  const ahead = horizon === 1 ? 'the next value' : `the next ${horizon} values`;
  if (start >= window) {
    const left = series.rows - start;
    throw new UsageError(
      `${series.file} has ${left} row${left === 1 ? '' : 's'} from ${rowLabel(series, start)} on, where the model's test span starts, but each test window ` +
        `forecasts ${ahead}: no test window to evaluate; give a file with at least ${horizon} rows from ${rowLabel(series, start)} on`,
    );
  }
  throw new UsageError(
    `${series.file} has ${series.rows} rows, but the model forecasts ${ahead} from the ${window} rows before: no test window to evaluate; ` +
      `give a file with at least ${window + horizon} rows`,
  );
}

/**
 * With a scaling of levels (standard, minmax), the share of test values beyond the training range,
 * where such a model has to extrapolate (relative scalings have no such limit); `null` when none.
 */
function outsideTrainingRange(data: ModelAndData, actual: Float32Array): string | null {
  const { spec } = data.model;
  if (spec.scaling[0].kind !== 'standard' && spec.scaling[0].kind !== 'minmax') return null;
  const [min, max] = spec.data.trainingRange;
  const share = actual.filter((v) => v < min || v > max).length / actual.length;
  if (share === 0) return null;
  return (
    `Note: ${(share * 100).toFixed(0)}% of the test values lie outside the training range [${min}, ${max}], where a model ` +
    `of ${spec.scaling[0].kind}-scaled levels has to extrapolate; relative scalings (--scaling ratio or diff) do not.`
  );
}

/** First-step forecasts of every forecaster at the first target row of each test window. */
function chart(data: ModelAndData, rows: readonly number[], c: Comparison, zoom: number) {
  const h = data.model.spec.horizon;
  const firstStep = (values: Float32Array) => rows.map((_, i) => values[i * h]);
  const lines = c.forecasts.map((f) => ({ name: f.name.replace(/ \(\d+\)$/, ''), values: firstStep(f.predicted) }));
  return evaluationChart(data.model.spec, positionsOf(data.series, rows), firstStep(c.actual), lines, zoom);
}

function jsonReport(data: ModelAndData, span: string, c: Comparison) {
  return {
    target: data.model.spec.target,
    span,
    windows: c.actual.length / data.model.spec.horizon,
    metrics: Object.fromEntries(
      c.forecasts.map((f) => [f.name, { rmse: jsonNumber(f.metrics.rmse), mae: jsonNumber(f.metrics.mae), mape: f.metrics.mape }]),
    ),
    verdicts: c.verdicts.map((v) => ({ baseline: v.baseline, outcome: v.outcome, rmseGainPercent: v.rmseGainPercent, pValue: v.pValue, text: v.text })),
  };
}
