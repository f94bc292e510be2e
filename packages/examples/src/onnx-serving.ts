/**
 * Serving the demo's model with ONNX Runtime: loads the model the demo saved (`npm run demo` writes
 * `out/sp500-model`), exports its network with `exportOnnx`, runs the ONNX file in ONNX Runtime in
 * this same process, and prints both predictions of the next close for the latest windows of the
 * bundled S&P 500 closes, side by side, with their largest difference.
 *
 * The ONNX graph is the network alone; the preprocessing stays with the caller, as it would in a
 * server. `SeriesModel` from `@rnn/cli` reads it from the model directory (the scaling `rnn train`
 * chose for each column, e.g. each window relative to its last close) and applies it on both sides.
 *
 * ONNX Runtime comes from npm (`onnxruntime-node`, CPU, its library inside the package); its install
 * script is skipped (see the root package.json's `allowScripts`), as it only fetches GPU files.
 *
 * Run: `node packages/examples/dist/onnx-serving.js [--model DIR] [--onnx FILE] [--windows N] [--csv FILE]`.
 */
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { Tensor, exportOnnx } from '@rnn/core';
import { SeriesModel, UsageError, createProgram, loadSeries, positiveInteger, processIo, runAsMain, type CliIo } from '@rnn/cli';
import * as ort from 'onnxruntime-node';
import { logTo } from './example-cli';

/** Options of {@link main}. */
export interface OnnxServingOptions {
  /** The saved model (default `out/sp500-model`, where the demo saves it). */
  model?: string;
  /** Where to write the ONNX file (default `<model>.onnx` beside the model folder). */
  onnx?: string;
  /** How many of the latest windows to predict (default 5). */
  windows?: number;
  /** CSV with the model's columns (default: the bundled S&P 500 closes). */
  csv?: string;
  log?: (line: string) => void;
}

/** Both predictions of one window, in the target's units. */
export interface ServingRow {
  /** Date (or row) of the window's last value. */
  date: string;
  lastValue: number;
  predicted: number;
  onnxRuntime: number;
}

export interface OnnxServingResult {
  onnxPath: string;
  rows: ServingRow[];
  /** Largest |ONNX Runtime − predict| / |predict| over the network's raw outputs. */
  maxRelativeDifference: number;
}

export const DEFAULT_CSV = join(__dirname, '..', 'data', 'sp500-2000.csv');

async function loadDemoModel(dir: string): Promise<SeriesModel> {
  try {
    return await SeriesModel.load(dir);
  } catch (err) {
    throw new UsageError(`cannot load the demo's model from ${dir} (${(err as Error).message}); run \`npm run demo\` first, or give --model DIR`);
  }
}

/** Exports the demo's model, runs it in ONNX Runtime and in @rnn, and reports both predictions. */
export async function main(options: OnnxServingOptions = {}): Promise<OnnxServingResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  // ONNX Runtime for Node otherwise starts a telemetry client (it writes into the temp directory).
  process.env.ORT_DISABLE_TELEMETRY ??= '1';
  const dir = resolve(options.model ?? join('out', 'sp500-model'));
  const onnxPath = resolve(options.onnx ?? `${dir}.onnx`);
  const count = options.windows ?? 5;
  const model = await loadDemoModel(dir);
  const { spec } = model;

  const series = loadSeries({ file: options.csv ?? DEFAULT_CSV, target: spec.target, features: spec.inputs.slice(1), dateColumn: spec.dateColumn, dateFormat: spec.dateFormat ?? undefined });
  const features = spec.inputs.length;
  const ends = Array.from({ length: count }, (_, i) => series.rows - count + i); // row of each window's last value
  const values = ends.flatMap((end) => Array.from({ length: spec.window * features }, (_, k) => series.columns[k % features][end - spec.window + 1 + Math.floor(k / features)]));
  const raw = new Tensor(Float32Array.from(values), [count, spec.window, features]);
  const x = model.scaler.inputs(raw); // [count, window, features], what the network reads

  const ours = await model.net.predict(x); // [count, horizon]
  await exportOnnx(model.net, onnxPath);
  const session = await ort.InferenceSession.create(onnxPath);
  const served = (await session.run({ input: new ort.Tensor('float32', x.data, [...x.shape]) })).output.data as Float32Array;
  await session.release();

  const maxRelativeDifference = Math.max(...Array.from(ours.data, (v, i) => Math.abs(served[i] - v) / Math.max(Math.abs(v), 1e-12)));
  const [ourValues, servedValues] = [model.scaler.unscale(raw, ours).data, model.scaler.unscale(raw, new Tensor(Float32Array.from(served), ours.shape)).data];
  const label = (row: number) => (series.dates ? new Date(series.dates[row]).toISOString().slice(0, 10) : `row ${row + 1}`);
  const h = spec.horizon;
  const rows = ends.map((end, i) => ({ date: label(end), lastValue: series.columns[0][end], predicted: ourValues[i * h], onnxRuntime: servedValues[i * h] }));
  log(`Exported ${dir} to ${onnxPath}; ONNX Runtime ${ort.env.versions.common} ran it in this process.`);
  log(`window ending   last ${spec.target}   @rnn predict   ONNX Runtime`);
  for (const r of rows) log(`${r.date.padEnd(14)} ${r.lastValue.toFixed(2).padStart(11)} ${r.predicted.toFixed(4).padStart(14)} ${r.onnxRuntime.toFixed(4).padStart(14)}`);
  log(`Largest relative difference of the raw outputs: ${maxRelativeDifference.toExponential(2)}`);
  return { onnxPath, rows, maxRelativeDifference };
}

/** The example's command line: its flags, checked, and `--help`. */
export function onnxServingProgram(io: CliIo = processIo()): Command {
  return createProgram('onnx-serving', "Run the demo's saved model in ONNX Runtime next to @rnn's predict.", io)
    .addOption(new Option('--model <dir>', "the demo's model directory").default(join('out', 'sp500-model')))
    .addOption(new Option('--onnx <file>', 'where to write the ONNX file (default: <model>.onnx)'))
    .addOption(new Option('--windows <n>', 'latest windows to predict').argParser(positiveInteger).default(5))
    .addOption(new Option('--csv <file>', "CSV file with the model's columns (default: the bundled S&P 500 closes)"))
    .action(async (options: OnnxServingOptions) => {
      await main({ ...options, log: logTo(io) });
    });
}

if (typeof require !== 'undefined' && require.main === module) runAsMain(onnxServingProgram());
