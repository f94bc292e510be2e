import { Option } from 'commander';
import { positiveInteger, type CliIo } from '@rnn/cli';

/** `--epochs <n>`, checked, with the example's default. */
export function epochsOption(fallback: number, description = 'training epochs'): Option {
  return new Option('--epochs <n>', description).argParser(positiveInteger).default(fallback);
}

/** An example's `log` option that writes its report lines to `io.stdout`. */
export function logTo(io: CliIo): (line: string) => void {
  return (line) => {
    io.stdout.write(`${line}\n`);
  };
}
