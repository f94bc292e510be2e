/** The part of a writable stream the command line writes to; `process.stdout` fits. */
export interface OutputStream {
  write(chunk: string): unknown;
  /** A terminal: only then is a live progress bar drawn. */
  isTTY?: boolean;
  columns?: number;
}

/** Where a command's output goes: results to `stdout`, progress and errors to `stderr`. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
}

/** The process's own streams. */
export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr };
}

/** Writes whole lines to a stream. */
export function lineWriter(stream: OutputStream): (line?: string) => void {
  return (line = '') => {
    stream.write(`${line}\n`);
  };
}
