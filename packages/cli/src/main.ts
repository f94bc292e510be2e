import { runCli } from './program';

/** Entry point of the `rnn` binary: runs the command line and sets the exit code. */
export function main(argv: readonly string[]): void {
  runCli(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`rnn: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
