import { Command, CommanderError } from 'commander';
import { processIo, type CliIo } from './io';
import { isUsageError } from './usage-error';

/** Exit codes: 0 done, 1 failed, 2 the input was unusable (a flag, a file, the data). */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/**
 * A commander program set up the way every command line of this project behaves: help and errors
 * go to `io`, and errors never exit the process (so the caller decides, and tests can run it in
 * process). Create subcommands with `program.command(...)` afterwards so they inherit this.
 */
export function createProgram(name: string, description: string, io: CliIo = processIo()): Command {
  return new Command(name)
    .description(description)
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Errors are reported by runProgram, on one line.
      outputError: () => {},
      getOutHelpWidth: () => io.stdout.columns ?? 100,
      getErrHelpWidth: () => io.stderr.columns ?? 100,
    });
}

/**
 * Parses `argv` (the arguments after the program name) and runs the matching action. Returns the
 * exit code; every error becomes one line on `io.stderr` (`rnn train: …`), never a stack trace.
 */
export async function runProgram(program: Command, argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (err) {
    return reportError(program, argv, err, io);
  }
}

/** Thrown by an action whose failure was already reported (e.g. a wrapped `rnn` run): ends with `code`, printing nothing. */
export class ExitWith extends Error {
  constructor(readonly code: number) {
    super(`exit code ${code}`);
    this.name = 'ExitWith';
  }
}

function reportError(program: Command, argv: readonly string[], err: unknown, io: CliIo): number {
  if (err instanceof ExitWith) return err.code;
  if (err instanceof CommanderError) {
    // Help and version were printed by commander; `rnn` alone printed the help to stderr.
    if (err.exitCode === 0) return EXIT_OK;
    if (err.code === 'commander.help') return EXIT_USAGE;
    io.stderr.write(`${prefix(program, argv)}: ${oneLine(err.message.replace(/^error: /, ''))}\n`);
    return EXIT_USAGE;
  }
  const message = err instanceof Error ? err.message : String(err);
  if (isUsageError(err)) {
    io.stderr.write(`${prefix(program, argv)}: ${oneLine(message)}\n`);
    return EXIT_USAGE;
  }
  const kind = err instanceof Error && err.name !== 'Error' ? `${err.name}: ` : '';
  io.stderr.write(`${prefix(program, argv)}: ${kind}${oneLine(message)}\n`);
  return EXIT_FAILED;
}

/** `rnn train` when the first argument names a subcommand, else `rnn`. */
function prefix(program: Command, argv: readonly string[]): string {
  const sub = program.commands.find((c) => c.name() === argv[0] || c.aliases().includes(argv[0] ?? ''));
  return sub ? `${program.name()} ${sub.name()}` : program.name();
}

/** Folds a message onto one line: commander puts its "Did you mean" on a line of its own. */
function oneLine(message: string): string {
  return message
    .trim()
    .split(/\s*\n\s*/)
    .join(' ');
}

/** Runs `program` on the process's arguments and sets the process's exit code: the `main` of a command-line file. */
export function runAsMain(program: Command, io: CliIo = processIo()): void {
  runProgram(program, process.argv.slice(2), io).then((code) => {
    process.exitCode = code;
  });
}
