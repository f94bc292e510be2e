import type { FromChild, PrepareMessage, PreparedMessage, ServeMessage, ServedMessage, TimeMessage, TimedMessage, ToChild } from '../protocol';

/** What a child process does for each message it receives. */
export interface ChildHandlers {
  prepare(msg: PrepareMessage): Promise<PreparedMessage>;
  time(msg: TimeMessage): Promise<TimedMessage>;
  /** `--mode serve`; children of peers that are not served leave it out. */
  serveCallers?(msg: ServeMessage): Promise<ServedMessage>;
}

async function answer(handlers: ChildHandlers, msg: Exclude<ToChild, { type: 'exit' }>): Promise<FromChild> {
  if (msg.type === 'prepare') return handlers.prepare(msg);
  if (msg.type === 'time') return handlers.time(msg);
  if (!handlers.serveCallers) throw new Error('this bench child does not serve');
  return handlers.serveCallers(msg);
}

/**
 * Runs a child's message loop over Node IPC: one message at a time, each answered with its result
 * or with an `error` message carrying the error's class name (so the parent can tell a missing
 * native addon from a real failure).
 */
export function serve(handlers: ChildHandlers): void {
  if (!process.send) throw new Error('bench children must be started with child_process.fork');
  const send = (msg: FromChild): void => {
    process.send!(msg);
  };
  let queue = Promise.resolve();
  process.on('message', (msg: ToChild) => {
    queue = queue.then(async () => {
      try {
        if (msg.type === 'exit') {
          process.disconnect();
          return;
        }
        send(await answer(handlers, msg));
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        send({ type: 'error', name: e.constructor?.name ?? e.name, message: e.stack ?? e.message });
      }
    });
  });
}
