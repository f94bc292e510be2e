/**
 * Serving the stock-forecast model with ONNX Runtime: loads the model the demo saved (`npm run demo`
 * writes `out/stock-model`), exports it with `exportOnnx`, runs the ONNX file in ONNX Runtime in this
 * same process, and prints both predictions of the next close for the latest windows of the bundled
 * S&P 500 closes, side by side, with their largest difference.
 *
 * The ONNX graph is the network alone; the preprocessing stays with the caller, as it would in a
 * server. It is read from the model's `preprocessing` attachment, which the demo saves: window
 * scaling (each window as percent moves from its last close, `factor · (x / x_last − 1)`) or the
 * tutorial's global min-max scaler.
 *
 * ONNX Runtime comes from npm (`onnxruntime-node`, CPU, its library inside the package); its install
 * script is skipped (see the root package.json's `allowScripts`), as it only fetches GPU files.
 *
 * Run: `node packages/examples/dist/onnx-serving.js [--model DIR] [--onnx FILE] [--windows N] [--csv FILE]`.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MinMaxScaler, Tensor, exportOnnx, getAttachment, loadModel, readCsv, type Sequential } from '@rnn/core';
import * as ort from 'onnxruntime-node';

/** Options of {@link main}. */
export interface OnnxServingOptions {
  /** The saved model (default `out/stock-model`, where the demo saves it). */
  model?: string;
  /** Where to write the ONNX file (default `stock-model.onnx` beside the model folder). */
  onnx?: string;
  /** How many of the latest windows to predict (default 5). */
  windows?: number;
  /** CSV with a `close` column and a `date` column (default: the bundled S&P 500 closes). */
  csv?: string;
  log?: (line: string) => void;
}

/** Both predictions of one window, in index points. */
export interface ServingRow {
  /** Date of the window's last close. */
  date: string;
  lastClose: number;
  predicted: number;
  onnxRuntime: number;
}

export interface OnnxServingResult {
  onnxPath: string;
  rows: ServingRow[];
  /** Largest |ONNX Runtime − predict| / |predict| over the model's raw outputs. */
  maxRelativeDifference: number;
}

/** What the demo attaches to the model it saves. */
type Preprocessing = { scaling: 'window'; window: number; factor: number } | { scaling: 'global'; window: number; scaler: unknown };

export const DEFAULT_CSV = join(__dirname, '..', 'data', 'sp500-2000.csv');

/** Turns raw windows `[n, window, 1]` into the model's inputs and its outputs `[n, 1]` back into prices. */
function scaling(prep: Preprocessing): { inputs: (x: Tensor) => Tensor; prices: (x: Tensor, y: ArrayLike<number>) => number[] } {
  if (prep.scaling === 'global') {
    const scaler = MinMaxScaler.fromJSON(prep.scaler);
    return { inputs: (x) => scaler.transform(x), prices: (_x, y) => Array.from(scaler.inverseTransform(new Tensor(Float32Array.from(y), [y.length, 1])).data) };
  }
  const last = (x: Tensor, i: number) => x.data[(i + 1) * prep.window - 1];
  return {
    inputs: (x) => new Tensor(x.data.map((v, k) => prep.factor * (v / last(x, Math.floor(k / prep.window)) - 1)), x.shape),
    prices: (x, y) => Array.from(y, (v, i) => last(x, i) * (1 + v / prep.factor)),
  };
}

async function loadDemoModel(dir: string): Promise<{ model: Sequential; prep: Preprocessing }> {
  let model: Sequential;
  try {
    model = await loadModel(dir);
  } catch (err) {
    throw new Error(`cannot load the stock model from ${dir} (${(err as Error).message}); run \`npm run demo\` first, or give --model DIR`);
  }
  const prep = getAttachment(model, 'preprocessing') as Preprocessing | undefined;
  if (prep?.scaling !== 'window' && prep?.scaling !== 'global') throw new Error(`${dir} has no 'preprocessing' attachment: is it the demo's stock model?`);
  return { model, prep };
}

/** Exports the demo's model, runs it in ONNX Runtime and in @rnn, and reports both predictions. */
export async function main(options: OnnxServingOptions = {}): Promise<OnnxServingResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  // ONNX Runtime for Node otherwise starts a telemetry client (it writes into the temp directory).
  process.env.ORT_DISABLE_TELEMETRY ??= '1';
  const dir = resolve(options.model ?? join('out', 'stock-model'));
  const onnxPath = resolve(options.onnx ?? `${dir}.onnx`);
  const count = options.windows ?? 5;
  if (!Number.isInteger(count) || count < 1) throw new Error(`--windows must be a positive integer, got ${count}`);
  const { model, prep } = await loadDemoModel(dir);

  const table = readCsv(options.csv ?? DEFAULT_CSV);
  const closes = table.column('close');
  const ends = Array.from({ length: count }, (_, i) => closes.length - count + i); // index of each window's last close
  const raw = new Tensor(Float32Array.from(ends.flatMap((end) => closes.slice(end - prep.window + 1, end + 1))), [count, prep.window, 1]);
  const { inputs, prices } = scaling(prep);
  const x = inputs(raw); // [count, window, 1]

  const ours = (await model.predict(x)).data; // [count, 1]
  await exportOnnx(model, onnxPath);
  const session = await ort.InferenceSession.create(onnxPath);
  const served = (await session.run({ input: new ort.Tensor('float32', x.data, [...x.shape]) })).output.data as Float32Array;
  await session.release();

  const maxRelativeDifference = Math.max(...Array.from(ours, (v, i) => Math.abs(served[i] - v) / Math.max(Math.abs(v), 1e-12)));
  const [ourPrices, servedPrices] = [prices(raw, ours), prices(raw, served)];
  const rows = ends.map((end, i) => ({ date: String(table.rows[end].date ?? end), lastClose: closes[end], predicted: ourPrices[i], onnxRuntime: servedPrices[i] }));
  log(`Exported ${dir} to ${onnxPath}; ONNX Runtime ${ort.env.versions.common} ran it in this process.`);
  log('window ending   last close   @rnn predict   ONNX Runtime');
  for (const r of rows) log(`${r.date.padEnd(14)} ${r.lastClose.toFixed(2).padStart(11)} ${r.predicted.toFixed(4).padStart(14)} ${r.onnxRuntime.toFixed(4).padStart(14)}`);
  log(`Largest relative difference of the raw outputs: ${maxRelativeDifference.toExponential(2)}`);
  return { onnxPath, rows, maxRelativeDifference };
}

if (typeof require !== 'undefined' && require.main === module) {
  const { values } = parseArgs({ options: { model: { type: 'string' }, onnx: { type: 'string' }, windows: { type: 'string' }, csv: { type: 'string' } } });
  main({ model: values.model, onnx: values.onnx, csv: values.csv, windows: values.windows === undefined ? undefined : Number(values.windows) }).catch((err: unknown) => {
    console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
    process.exitCode = 1;
  });
}
