/**
 * The demo: the tutorial's stock-price model on daily S&P 500 closes (2000–2020), run through the
 * `rnn` command line exactly as a user would run it on their own CSV file:
 *
 *   rnn train sp500-2000.csv --column close --window 10 --units 50,50 --epochs 10 --unit "index points"
 *   rnn evaluate <model> sp500-2000.csv
 *   rnn forecast <model> sp500-2000.csv --steps 5
 *
 * The tutorial's architecture is kept (LSTM(50) → LSTM(50) → Dense(1), windows of 10 days, Adam,
 * MSE, batch 32); where the tutorial went wrong, `rnn` does what it does for any series:
 * - it scaled the whole series with one min-max scaler and asked for price levels: most test closes
 *   lie above anything seen in training, where a model of levels cannot extrapolate. `rnn` scales a
 *   strictly positive series by each window's last value (relative moves), so every window looks
 *   alike at any index level; `--scaling minmax` shows the tutorial's way and its failure;
 * - its RMSE mixed scales: `rnn evaluate` reports errors in index points;
 * - it reported the RMSE alone: a daily index is close to a random walk, so "tomorrow = today" is
 *   the baseline to beat, and `rnn evaluate` says whether the model beats it by more than chance
 *   (a Diebold–Mariano test over the test windows). Expect a tie.
 *
 * Run: `npm run demo`, or `node packages/examples/dist/stock-forecast.js --help`.
 */
import { join, relative } from 'node:path';
import { Command, Option } from 'commander';
import { createProgram, ExitWith, positiveInteger, processIo, runAsMain, runCli, type CliIo } from '@rnn/cli';

/** The bundled S&P 500 file, found from the compiled file or the source file alike. */
export const DEFAULT_CSV = join(__dirname, '..', 'data', 'sp500-2000.csv');

/** Options of {@link main}. */
export interface StockForecastOptions {
  /** CSV file with a header row (default: the bundled S&P 500 closes). */
  csv?: string;
  /** Column to forecast (default `close`). */
  column?: string;
  /** `rnn train --scaling` (default `auto`: relative to each window's last close). */
  scaling?: string;
  /** Most training epochs (default 10). */
  epochs?: number;
  /** Days of history per forecast (default 10). */
  window?: number;
  /** Output directory for the model and its plots (default `out`). */
  out?: string;
  /** No progress bar. */
  quiet?: boolean;
}

/** The three `rnn` commands of the demo, as argument lists. */
export function demoCommands(options: StockForecastOptions = {}): string[][] {
  // Paths relative to the working directory, so the commands read as a user would type them.
  const csv = options.csv ?? (relative(process.cwd(), DEFAULT_CSV) || DEFAULT_CSV);
  const model = join(options.out ?? 'out', 'sp500-model');
  const unit = options.csv === undefined ? ['--unit', 'index points'] : [];
  return [
    // 10 epochs: the validation loss is flat from the first epochs on, and the run stays short on the TypeScript backend.
    ['train', csv, '--column', options.column ?? 'close', '--window', String(options.window ?? 10), '--units', '50,50', '--epochs', String(options.epochs ?? 10)]
      .concat(['--scaling', options.scaling ?? 'auto', ...unit, '--out', model, ...(options.quiet ? ['--quiet'] : [])]),
    ['evaluate', model, csv],
    ['forecast', model, csv, '--steps', '5'],
  ];
}

/** Runs `rnn train`, `evaluate` and `forecast` in turn; returns the exit code of the first that fails, else 0. */
export async function main(options: StockForecastOptions = {}, io: CliIo = processIo()): Promise<number> {
  for (const argv of demoCommands(options)) {
    io.stdout.write(`\n$ rnn ${argv.map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ')}\n`);
    const code = await runCli(argv, io);
    if (code !== 0) return code;
  }
  return 0;
}

/** The demo's own command line. */
export function stockForecastProgram(io: CliIo = processIo()): Command {
  return createProgram('stock-forecast', 'The demo: rnn train, evaluate and forecast on daily S&P 500 closes 2000–2020.', io)
    .addOption(new Option('--csv <file>', 'CSV file with a header row (default: the bundled S&P 500 closes)'))
    .addOption(new Option('--column <name>', 'column to forecast').default('close'))
    .addOption(new Option('--scaling <kind>', 'rnn train --scaling').choices(['auto', 'ratio', 'diff', 'standard', 'minmax']).default('auto'))
    .addOption(new Option('--epochs <n>', 'most training epochs').argParser(positiveInteger).default(10))
    .addOption(new Option('--window <n>', 'days of history per forecast').argParser(positiveInteger).default(10))
    .addOption(new Option('--out <dir>', 'directory for the model and its plots').default('out'))
    .addOption(new Option('--quiet', 'no progress bar'))
    .action(async (options: StockForecastOptions) => {
      const code = await main(options, io);
      if (code !== 0) throw new ExitWith(code);
    });
}

if (typeof require !== 'undefined' && require.main === module) runAsMain(stockForecastProgram());
