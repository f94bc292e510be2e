import type {
  Backend,
  GruBackwardArgs,
  GruForwardArgs,
  LstmBackwardArgs,
  LstmForwardArgs,
  RnnBackwardArgs,
  RnnForwardArgs,
} from '@rnn/backend-api';

/** A forward kernel call, tagged by cell so one dispatcher serves the three cells. */
export type ForwardCall =
  | { cell: 'lstm'; args: LstmForwardArgs }
  | { cell: 'gru'; args: GruForwardArgs }
  | { cell: 'rnn'; args: RnnForwardArgs };

/** A backward kernel call, tagged by cell. */
export type BackwardCall =
  | { cell: 'lstm'; args: LstmBackwardArgs }
  | { cell: 'gru'; args: GruBackwardArgs }
  | { cell: 'rnn'; args: RnnBackwardArgs };

/** Runs a forward kernel on the calling thread (one-step streaming, small calls). */
export function runForwardSync(backend: Backend, call: ForwardCall): void {
  switch (call.cell) {
    case 'lstm':
      return backend.lstmForward(call.args);
    case 'gru':
      return backend.gruForward(call.args);
    case 'rnn':
      return backend.rnnForward(call.args);
  }
}

/** Runs a forward kernel off the event loop where the backend can (`backend.async`), else in place. */
export async function runForward(backend: Backend, call: ForwardCall): Promise<void> {
  const async = backend.async;
  if (!async) return runForwardSync(backend, call);
  switch (call.cell) {
    case 'lstm':
      return async.lstmForward(call.args);
    case 'gru':
      return async.gruForward(call.args);
    case 'rnn':
      return async.rnnForward(call.args);
  }
}

/** Runs a backward kernel off the event loop where the backend can, else in place. */
export async function runBackward(backend: Backend, call: BackwardCall): Promise<void> {
  const async = backend.async;
  switch (call.cell) {
    case 'lstm':
      return async ? async.lstmBackward(call.args) : backend.lstmBackward(call.args);
    case 'gru':
      return async ? async.gruBackward(call.args) : backend.gruBackward(call.args);
    case 'rnn':
      return async ? async.rnnBackward(call.args) : backend.rnnBackward(call.args);
  }
}
