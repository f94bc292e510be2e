import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { RnnError } from '../errors';
import type { Random } from '../random';
import type { OrthogonalJobData } from './orthogonal-worker';

/**
 * Large orthogonal weights are computed on a worker thread. Keras's Orthogonal costs O(m·n²) for a
 * normal matrix `A [m, n]` (m = 4n for an LSTM's recurrent kernel): LSTM(1000) takes seconds,
 * LSTM(4000) minutes. On the event loop that would freeze a server; here the build allocates the
 * weight, hands the draws and the QR to a worker, and moves the layer's generator on as the draws
 * would have (so every later draw, and so every seeded result, is what it always was). The worker
 * (`orthogonal-worker.ts`) runs the same code (`orthogonal.ts`), so the values are the same bit for bit.
 *
 * Until the values arrive, the weight is pending: `awaitInitialization` waits without blocking (every
 * async entry point calls it), `finishInitialization` blocks (for synchronous accessors, as a building
 * on the event loop would have), and `dropInitialization` abandons the job when the weight is
 * overwritten anyway (`loadStateDict`).
 */

/** Work (m·n² multiply-adds of Gram–Schmidt) from which the orthogonalisation leaves the event loop. */
const BACKGROUND_MIN_WORK = 2 ** 25;

/**
 * The worker module: `orthogonal-worker.js` beside this file once compiled (the TypeScript source when
 * the tests run the sources, with their loader). A real file, not source text evaluated in the worker,
 * so a bundler, a minifier or a coverage tool that rewrites functions cannot break what runs there.
 */
function workerFile(): string {
  return join(__dirname, `orthogonal-worker${extname(__filename)}`);
}

/** One weight being computed: the worker, the shared buffer it fills (flag, then the values), the outcome. */
interface Job {
  target: Float32Array;
  worker: Worker;
  /** 8 bytes (an Int32 flag: 0 running, 1 done, 2 failed) then `[cols, rows]` float32 values. */
  shared: SharedArrayBuffer;
  done: Promise<void>;
  failure: string | null;
}

const jobs = new WeakMap<Float32Array, Job>();

/** Whether an orthogonal weight of `rows × cols` is computed on a worker thread. */
export function runsInBackground(rows: number, cols: number): boolean {
  const m = Math.max(rows, cols);
  const n = Math.min(rows, cols);
  return m * n * n >= BACKGROUND_MIN_WORK;
}

/**
 * A `[cols, rows]` weight whose values (Keras's Orthogonal of `[rows, cols]`, transposed, drawn from
 * `rng`) a worker thread computes; `rng` moves on at once as if it had drawn them.
 */
export function orthogonalInBackground(rows: number, cols: number, rng: Random): Float32Array {
  const target = new Float32Array(rows * cols); // [cols, rows], pending
  const shared = new SharedArrayBuffer(8 + 4 * rows * cols);
  const workerData: OrthogonalJobData = { rows, cols, state: rng.getState(), shared };
  const worker = new Worker(workerFile(), { workerData });
  rng.skipNormals(rows * cols);
  worker.unref(); // a pending weight nobody waits for does not keep the process alive
  const job: Job = { target, worker, shared, failure: null, done: Promise.resolve() };
  job.done = new Promise<void>((resolve) => {
    let reported = false; // the first report wins
    const finish = (failure: string | null): void => {
      if (reported) return;
      reported = true;
      job.failure = failure;
      resolve();
    };
    worker.once('message', finish);
    worker.once('error', (err) => finish(String(err)));
    worker.once('exit', () => finish(Atomics.load(flag(job), 0) === 1 ? null : 'the worker thread ended early'));
  });
  jobs.set(target, job);
  return target;
}

/** Whether any of these weights still waits for its values. */
export function initializationPending(values: readonly Float32Array[]): boolean {
  return values.some((v) => jobs.has(v));
}

/** Waits, without blocking the event loop, until these weights hold their values. */
export async function awaitInitialization(values: readonly Float32Array[]): Promise<void> {
  for (const v of values) {
    const job = jobs.get(v);
    if (!job) continue;
    job.worker.ref(); // someone waits: keep the process alive until the values are in
    await job.done;
    settle(job);
  }
}

/** Blocks until these weights hold their values (for synchronous accessors). */
export function finishInitialization(values: readonly Float32Array[]): void {
  for (const v of values) {
    const job = jobs.get(v);
    if (!job) continue;
    Atomics.wait(flag(job), 0, 0); // returns at once once the worker has set the flag
    if (Atomics.load(flag(job), 0) !== 1) job.failure ??= 'the worker thread failed';
    settle(job);
  }
}

/** Abandons the pending values of these weights (they are being overwritten). */
export function dropInitialization(values: readonly Float32Array[]): void {
  for (const v of values) {
    const job = jobs.get(v);
    if (!job) continue;
    jobs.delete(v);
    void job.worker.terminate();
  }
}

function flag(job: Job): Int32Array {
  return new Int32Array(job.shared, 0, 1);
}

/**
 * Copies a finished job's values into its weight, once. A failed job stays registered, so that every
 * use of the weight throws the `RnnError` rather than computing with zeros.
 */
function settle(job: Job): void {
  if (jobs.get(job.target) !== job) return; // settled already, or dropped
  if (job.failure !== null) throw new RnnError(`initialising an orthogonal weight failed on its worker thread: ${job.failure}`);
  jobs.delete(job.target);
  job.target.set(new Float32Array(job.shared, 8, job.target.length));
}
