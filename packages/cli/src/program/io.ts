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

/** The process's own streams; output to a closed pipe ends quietly (see {@link quietWhenClosed}). */
export function processIo(): CliIo {
  return { stdout: quietWhenClosed(process.stdout), stderr: quietWhenClosed(process.stderr) };
}

const guarded = new WeakMap<NodeJS.WriteStream, OutputStream>();

/**
 * `stream`, but once its reader has gone (`rnn forecast … | head -1`) further writes are dropped.
 * Node reports the closed pipe as an 'error' event (EPIPE), which without a listener crashes the
 * process with a stack trace; the command itself goes on, so `rnn train` still saves its model.
 */
function quietWhenClosed(stream: NodeJS.WriteStream): OutputStream {
  const known = guarded.get(stream);
  if (known) return known;
  let closed = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    closed = true;
  });
  const out: OutputStream = {
    write: (chunk) => closed || stream.write(chunk),
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
  };
  guarded.set(stream, out);
  return out;
}

/** Writes whole lines to a stream. */
export function lineWriter(stream: OutputStream): (line?: string) => void {
  return (line = '') => {
    stream.write(`${line}\n`);
  };
}
