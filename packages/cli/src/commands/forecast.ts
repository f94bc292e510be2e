import { join } from 'node:path';
import { Command, Option } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { forecastAhead } from '../model/forecast-ahead';
import { forecastChart } from '../plots/series-charts';
import { writeSvg } from '../plots/render';
import { lineWriter, type CliIo } from '../program/io';
import { checkOutputFile } from '../program/output-paths';
import { positiveInteger } from '../program/option-parsers';
import { decimalsFor, formatNumber, formatTable, jsonNumber } from '../report/numbers';
import { detectCadence, futureDates, type Cadence } from '../series/cadence';
import { formatTimestamp } from '../series/dates';
import { rowLabel, type Series } from '../series/load-series';
import { loadModelAndData, positionsOf, type ModelAndData } from './model-data';
import { extent } from '../series/extent';

/** Options of `rnn forecast`. */
export interface ForecastOptions {
  steps: number;
  format: 'table' | 'csv' | 'json';
  history: number;
  plot?: string | false;
}

/** Adds `rnn forecast` to `program`. */
export function addForecastCommand(program: Command, io: CliIo): void {
  program
    .command('forecast')
    .summary('forecast the values after the end of a CSV file')
    .description('Forecast the next --steps values of the target after the last row of the CSV file, as a table, CSV or JSON, and plot them after the recent history.')
    .argument('<model-dir>', 'a directory written by rnn train')
    .argument('<csv>', 'the CSV file whose last rows start the forecast')
    .addOption(new Option('--steps <n>', 'values to forecast').argParser(positiveInteger).default(30))
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'))
    .addOption(new Option('--history <n>', 'rows of history shown in the plot').argParser(positiveInteger).default(200))
    .addOption(new Option('--plot <file>', 'plot SVG (default: <model-dir>/forecast.svg)'))
    .addOption(new Option('--no-plot', 'write no plot'))
    .action((dir: string, csv: string, options: ForecastOptions) => runForecast(dir, csv, options, io).then(() => undefined));
}

/** One forecast value and where it falls. */
export interface ForecastPoint {
  /** `yyyy-MM-dd` (or with time), `+3` steps after an irregular date, or the row number. */
  label: string;
  value: number;
}

/** `rnn forecast`: the next values after the end of the data. */
export async function runForecast(dir: string, csv: string, o: ForecastOptions, io: CliIo): Promise<ForecastPoint[]> {
  const data = await loadModelAndData(dir, csv);
  const plotPath = o.plot === false ? null : (o.plot ?? join(dir, 'forecast.svg'));
  // Checked after the model (whose directory holds the default plot) and before the work.
  if (plotPath !== null) checkOutputFile(plotPath, o.plot === undefined ? 'the plot' : '--plot', 'forecast.svg');
  const { series } = data;
  const values = await forecastAhead(data.model, series, o.steps);
  const cadence = series.dates ? detectCadence(series.dates) : null;
  const future = futurePositions(series, cadence, o.steps);
  const points = values.map((value, i) => ({ label: future.labels[i], value }));
  const unitOfSteps = cadence ? cadence.description : 'rows';
  const plot = plotPath === null ? null : await writeSvg(plotPath, chart(data, future.x, values, o, unitOfSteps));
  writeOutput(data, points, o.format, io, `${o.steps} ${unitOfSteps}`);
  if (plot) lineWriter(o.format === 'table' ? io.stdout : io.stderr)(`Wrote ${plot}`);
  return points;
}

/** Labels and plot positions of the forecast steps: future dates where the dates are regular. */
function futurePositions(series: Series, cadence: Cadence | null, steps: number): { labels: string[]; x: number[] } {
  const k = Array.from({ length: steps }, (_, i) => i + 1);
  if (!series.dates) return { labels: k.map((i) => `row ${series.rows + i}`), x: k.map((i) => series.rows + i) };
  const last = series.dates[series.rows - 1];
  if (cadence) {
    const dates = futureDates(last, cadence, steps);
    return { labels: dates.map(formatTimestamp), x: dates };
  }
  // Irregular dates: the steps are labelled relative to the last date, and spaced by the median gap in the plot.
  const gaps = series.dates.slice(1).map((d, i) => d - series.dates![i]).sort((a, b) => a - b);
  const gap = gaps[Math.floor(gaps.length / 2)] ?? 86_400_000;
  return { labels: k.map((i) => `${formatTimestamp(last)} +${i}`), x: k.map((i) => last + i * gap) };
}

function chart(data: ModelAndData, futureX: number[], values: number[], o: ForecastOptions, unitOfSteps: string) {
  const { series } = data;
  const from = Math.max(0, series.rows - o.history);
  const rows = Array.from({ length: series.rows - from }, (_, i) => from + i);
  const history = { at: positionsOf(series, rows), values: rows.map((r) => series.columns[0][r]) };
  return forecastChart(data.model.spec, history, { x: futureX, values }, `${o.steps} ${unitOfSteps}`);
}

function writeOutput(data: ModelAndData, points: ForecastPoint[], format: ForecastOptions['format'], io: CliIo, what: string): void {
  const { spec } = data.model;
  const key = data.series.dates ? 'date' : 'row';
  if (format === 'json') {
    const json = { target: spec.target, unit: spec.unit, after: rowLabel(data.series, data.series.rows - 1), forecast: points.map((p) => ({ [key]: p.label, value: jsonNumber(p.value) })) };
    io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    return;
  }
  if (format === 'csv') {
    io.stdout.write(stringify([[key, spec.target], ...points.map((p) => [p.label, String(jsonNumber(p.value))])]));
    return;
  }
  const say = lineWriter(io.stdout);
  const [low, high] = extent(data.series.columns[0]);
  const decimals = decimalsFor(Math.max(Math.abs(low), Math.abs(high)) / 10);
  const method = spec.inputs.length === 1 && points.length > spec.horizon ? ', each forecast fed back as input' : '';
  say(`Forecast of '${spec.target}' for the ${what} after ${rowLabel(data.series, data.series.rows - 1)}${method}:`);
  const header = [key, spec.unit ? `${spec.target} (${spec.unit})` : spec.target];
  for (const line of formatTable([header, ...points.map((p) => [p.label, formatNumber(p.value, decimals)])])) say(`  ${line}`);
}
