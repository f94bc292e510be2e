import { type ChildProcess, fork } from 'node:child_process';
import type { FromChild, PreparedMessage, ServedMessage, TimedMessage, ToChild } from './protocol';

/** A child reported an error; `name` is the error's class (e.g. `NativeUnavailableError`). */
export class ChildError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(message);
    this.name = 'ChildError';
  }
}

/**
 * The parent's handle on one bench child process: send a message, await its one answer. A child
 * that exits before answering rejects the pending request.
 */
export class ChildRunner {
  private readonly child: ChildProcess;
  private pending: { resolve: (m: FromChild) => void; reject: (e: Error) => void } | null = null;
  private exited = false;

  /** Forks `script` with `env` added to this process's environment. */
  constructor(script: string, env: Record<string, string>) {
    this.child = fork(script, [], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (msg: FromChild) => {
      const p = this.pending;
      this.pending = null;
      if (!p) return;
      if (msg.type === 'error') p.reject(new ChildError(msg.name, msg.message));
      else p.resolve(msg);
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      const p = this.pending;
      this.pending = null;
      p?.reject(new ChildError('ChildExited', `bench child ${script} exited (code ${code}, signal ${signal}) before answering`));
    });
  }

  /** Sends `prepare` and waits for `prepared`. */
  prepare(msg: Extract<ToChild, { type: 'prepare' }>): Promise<PreparedMessage> {
    return this.request(msg) as Promise<PreparedMessage>;
  }

  /** Sends `time` and waits for `timed`. */
  time(msg: Extract<ToChild, { type: 'time' }>): Promise<TimedMessage> {
    return this.request(msg) as Promise<TimedMessage>;
  }

  /** Sends `serve` and waits for `served`. */
  serve(msg: Extract<ToChild, { type: 'serve' }>): Promise<ServedMessage> {
    return this.request(msg) as Promise<ServedMessage>;
  }

  /** Asks the child to exit and waits until it has. */
  async close(): Promise<void> {
    if (this.exited) return;
    const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.child.send({ type: 'exit' } satisfies ToChild);
    else this.child.kill();
    await done;
  }

  private request(msg: ToChild): Promise<FromChild> {
    if (this.exited) return Promise.reject(new ChildError('ChildExited', 'bench child has already exited'));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.child.send(msg);
    });
  }
}
