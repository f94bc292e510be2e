/**
 * The worker thread of `background-init.ts`, a module of its own (`dist/init/orthogonal-worker.js`,
 * which needs only `dist/random.js` and `dist/init/orthogonal.js` beside it): it computes one large
 * orthogonal weight with the very code the event loop would run, so the values are the same bit for
 * bit, into the shared buffer it is given, then sets the buffer's flag and reports.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Random, type RandomState } from '../random';
import { orthogonalValues } from './orthogonal';

/** What `background-init.ts` hands the worker. */
export interface OrthogonalJobData {
  /** The weight is Keras's Orthogonal of `[rows, cols]`, written transposed (`[cols, rows]`). */
  rows: number;
  cols: number;
  /** The layer generator's state when the weight's draws begin. */
  state: RandomState;
  /** 8 bytes (an Int32 flag: 0 running, 1 done, 2 failed) then the `[cols, rows]` float32 values. */
  shared: SharedArrayBuffer;
}

const { rows, cols, state, shared } = workerData as OrthogonalJobData;
const flag = new Int32Array(shared, 0, 1);
let failure: string | null = null;
try {
  orthogonalValues(new Float32Array(shared, 8, rows * cols), rows, cols, Random.fromState(state), true);
} catch (err) {
  failure = String((err as Error)?.stack ?? err);
}
Atomics.store(flag, 0, failure === null ? 1 : 2);
Atomics.notify(flag, 0);
parentPort?.postMessage(failure);
