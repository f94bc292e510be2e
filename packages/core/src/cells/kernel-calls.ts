import {
  type Backend,
  GATES,
  type GruBackwardArgs,
  type GruForwardArgs,
  type LstmBackwardArgs,
  type LstmForwardArgs,
  type RnnBackwardArgs,
  type RnnForwardArgs,
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

/**
 * Calls below this many forward FLOPs run on the calling thread even where the backend has async
 * kernels: handing a call to a worker thread and back (a queue, a thread wake-up, a promise
 * settled on the next loop turn) costs more than such a call computes, and running it in place
 * blocks the event loop for about a millisecond at most. The bench's small configs sit below it.
 * (Unless several model calls run at once: see `asyncFor`.)
 */
export const SYNC_CALL_MAX_FLOPS = 16e6;

/** The most rows a Predictor batches: the native kernels compute up to 3 rows alone (`Backend.loneRows`). */
export const LONE_ROWS_MAX = 3;

/**
 * Forward FLOPs of a kernel call, 2·T·B·G·H·(I+H), or of one of its rows where the backend computes
 * them alone, one row a thread (`rowsAlone`: inference forward calls of up to `backend.loneRows()`
 * rows): the calling thread then computes one row (or, rows too small for a thread each, all of
 * them, under 10⁶ FLOPs: far under SYNC_CALL_MAX_FLOPS either way).
 */
function callFlops(backend: Backend, call: ForwardCall | BackwardCall, rowsAlone: boolean): number {
  const { T, B, I, H } = call.args;
  const rows = rowsAlone && B > 1 && B <= LONE_ROWS_MAX && B <= backend.loneRows() ? 1 : B;
  return 2 * T * rows * GATES[call.cell] * H * (I + H);
}

/** Model calls (fit, trainOnBatch, predict, evaluate, on any model) running in this JS environment. */
let modelCallsRunning = 0;

/** Counts `task` as a running model call while it runs (CallGate does, for every call on a model). */
export async function asModelCall<T>(task: () => Promise<T>): Promise<T> {
  modelCallsRunning++;
  try {
    return await task();
  } finally {
    modelCallsRunning--;
  }
}

/**
 * The async kernels to use for this call, or `undefined` to run it in place. In place only while a
 * single model call runs: with several at once (a server answering predict calls side by side,
 * predict during fit), calls run in place would take turns on this thread, while on the native
 * pool they run at the same time on different threads.
 */
function asyncFor(backend: Backend, call: ForwardCall | BackwardCall, rowsAlone: boolean) {
  return callFlops(backend, call, rowsAlone) < SYNC_CALL_MAX_FLOPS && modelCallsRunning <= 1 ? undefined : backend.async;
}

/** Runs a forward kernel off the event loop where the backend can (`backend.async`), else in place. */
export async function runForward(backend: Backend, call: ForwardCall): Promise<void> {
  const async = asyncFor(backend, call, call.args.workspace == null);
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
  const async = asyncFor(backend, call, false);
  switch (call.cell) {
    case 'lstm':
      return async ? async.lstmBackward(call.args) : backend.lstmBackward(call.args);
    case 'gru':
      return async ? async.gruBackward(call.args) : backend.gruBackward(call.args);
    case 'rnn':
      return async ? async.rnnBackward(call.args) : backend.rnnBackward(call.args);
  }
}
