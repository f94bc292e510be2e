import { ConfigError, DataError, FormatError, ShapeError } from '@rnn/core';

/**
 * What the user gave cannot be used: a flag value, a file, a column, the data in it. The command
 * line prints the message on one line and exits with code 2, the convention for usage errors.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Whether `err` says the input was unusable (exit code 2) rather than that something failed (exit code 1). */
export function isUsageError(err: unknown): boolean {
  return (
    err instanceof UsageError ||
    err instanceof DataError ||
    err instanceof ConfigError ||
    err instanceof ShapeError ||
    err instanceof FormatError
  );
}
