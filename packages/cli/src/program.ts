import type { Command } from 'commander';
import { addEvaluateCommand } from './commands/evaluate';
import { addExportCommand } from './commands/export';
import { addForecastCommand } from './commands/forecast';
import { addInfoCommand } from './commands/info';
import { addTrainCommand } from './commands/train';
import { processIo, type CliIo } from './program/io';
import { createProgram, runProgram } from './program/run-program';

/** The `rnn` program with its commands, writing to `io`. */
export function rnnProgram(io: CliIo = processIo()): Command {
  const program = createProgram('rnn', 'Forecast a time series from a CSV file with a recurrent network (@rnn/core).', io)
    .version(VERSION, '-V, --version')
    .addHelpText('after', '\nExample:\n  rnn train temps.csv --column temp_c --out temps-model\n  rnn evaluate temps-model temps.csv\n  rnn forecast temps-model temps.csv --steps 30\n');
  addTrainCommand(program, io);
  addEvaluateCommand(program, io);
  addForecastCommand(program, io);
  addInfoCommand(program, io);
  addExportCommand(program, io);
  return program;
}

/** Runs `rnn` with `argv` (the arguments after `rnn`) and returns the exit code. */
export function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  return runProgram(rnnProgram(io), argv, io);
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const VERSION: string = (require('../package.json') as { version: string }).version;
