import { LONE_ROWS_MAX } from '../cells/kernel-calls';
import type { SampleShape } from '../layers/layer';
import { Tensor, type TensorLike, toTensor } from '../tensor';
import type { BatchOptions } from './model-options';
import type { Sequential } from './sequential';

/** A call waiting in a batch: its rows, and how to answer it. */
interface WaitingCall {
  rows: number;
  options: BatchOptions;
  resolve: (y: Tensor) => void;
  reject: (error: unknown) => void;
}

/** Calls that will run as one: their rows copied one after another into `data`. */
interface Batch {
  sample: readonly number[];  // the sample shape of every row
  rowSize: number;            // floats of one row
  data: Float32Array;         // [LONE_ROWS_MAX, ...sample] the calls' inputs as they were when called
  rows: number;
  calls: WaitingCall[];
}

/** Spare batch buffers a batcher keeps for the next batches. */
const SPARE_BUFFERS = 2;

/**
 * Runs a predictor's overlapping calls of few rows as batches (`Predictor.predict` says what a user
 * sees). A call that finds nothing running runs at once, alone. One that comes while calls run waits:
 * its rows are copied into a batch of up to `maxRows` rows of its sample shape, and the batches
 * start when the running calls end, on the next tick, so that the callers just answered (promise jobs
 * run first) can call again and join them. Up to `Backend.loneRows()` rows (native: one row a
 * thread, at most 3; the fallback: any), the kernels compute every row as a call of its own, so each
 * caller gets the bits its call would give alone.
 */
export class CallBatcher {
  /** Calls running: lone calls and batches. */
  #running = 0;
  /** Batches being filled, in the order of their first calls. */
  #waiting: Batch[] = [];
  /** Whether the waiting batches start on the next tick. */
  #dispatchSet = false;
  /** Buffers of finished batches, reused by the next ones (38 KB a buffer at the serving bench's shape). */
  #spare: Float32Array[] = [];

  /**
   * @param model the model every call runs on (a predictor's private copy)
   * @param maxRows the most rows a batch may hold now (`Backend.loneRows`: rows the kernels compute
   *   each as it would be alone); below 2, calls run at once, side by side, as without a batcher.
   */
  constructor(
    private readonly model: Sequential,
    private readonly maxRows: () => number,
  ) {}

  /** Predicts `input` (a batchable call's: `batchable`), alone or in a batch. */
  submit(input: Tensor, options: BatchOptions): Promise<Tensor> {
    const rows = input.shape[0];
    const maxRows = Math.min(LONE_ROWS_MAX, this.maxRows());
    if (maxRows < 2 || rows > maxRows) return predictOn(this.model, input, options);
    if (this.#running === 0 && !this.#dispatchSet) {
      this.#running++;
      const y = predictOn(this.model, input, options);
      y.then(this.#loneSettled, this.#loneSettled);
      return y;
    }
    return new Promise<Tensor>((resolve, reject) => {
      const batch =
        this.#waiting.find((b) => b.rows + rows <= maxRows && sameSample(b.sample, input.shape)) ?? this.newBatch(input.shape);
      batch.data.set(input.data, batch.rows * batch.rowSize);
      batch.rows += rows;
      batch.calls.push({ rows, options, resolve, reject });
    });
  }

  private newBatch(shape: readonly number[]): Batch {
    const sample = shape.slice(1);
    const rowSize = sample.reduce((a, b) => a * b, 1);
    const size = LONE_ROWS_MAX * rowSize;
    const spare = this.#spare.findIndex((data) => data.length === size);
    const data = spare >= 0 ? this.#spare.splice(spare, 1)[0] : new Float32Array(size);
    const batch: Batch = { sample, rowSize, data, rows: 0, calls: [] };
    this.#waiting.push(batch);
    return batch;
  }

  /** After a lone call: the calls that came meanwhile start on the next tick. */
  readonly #loneSettled = (): void => {
    this.#running--;
    if (this.#waiting.length > 0) this.setDispatch();
  };

  private setDispatch(): void {
    if (this.#dispatchSet) return;
    this.#dispatchSet = true;
    process.nextTick(this.#dispatch);
  }

  /** Starts every waiting batch, side by side. */
  readonly #dispatch = (): void => {
    this.#dispatchSet = false;
    const batches = this.#waiting;
    this.#waiting = [];
    for (const batch of batches) this.run(batch);
  };

  /**
   * Runs `batch` as one call and hands each call its rows. Then, if it held several calls or others
   * wait, the next batches start on the next tick, with the callers that called again at once. If
   * the batch fails, its calls run one by one, so that each caller gets its own result or error (one
   * caller's NaN must not fail the others).
   */
  private run(batch: Batch): void {
    const { model } = this;
    const { sample, rowSize, rows, calls } = batch;
    const x = new Tensor(batch.data.subarray(0, rows * rowSize), [rows, ...sample]);
    this.#running++;
    predictOn(model, x, calls.length === 1 ? calls[0].options : { batchSize: rows }).then(
      (y) => {
        const size = y.data.length / rows; // floats of one output row
        let row = 0;
        for (const call of calls) {
          call.resolve(new Tensor(y.data.slice(row * size, (row + call.rows) * size), [call.rows, ...y.shape.slice(1)]));
          row += call.rows;
        }
        this.finish(batch);
        if (calls.length > 1 || this.#waiting.length > 0) this.setDispatch();
      },
      (error: unknown) => {
        if (calls.length === 1) {
          calls[0].reject(error);
        } else {
          let row = 0;
          for (const call of calls) {
            const own = new Tensor(batch.data.slice(row * rowSize, (row + call.rows) * rowSize), [call.rows, ...sample]);
            row += call.rows;
            this.#running++;
            predictOn(model, own, call.options).then(call.resolve, call.reject).finally(this.#loneSettled);
          }
        }
        this.finish(batch);
        if (this.#waiting.length > 0) this.setDispatch();
      },
    );
  }

  private finish(batch: Batch): void {
    this.#running--;
    if (this.#spare.length < SPARE_BUFFERS) this.#spare.push(batch.data);
  }
}

/**
 * `model.predict(x, options)`, any exception it throws turned into a rejection: batches start from
 * a tick of their own, where a throw would be uncaught and end the process.
 */
export function predictOn(model: Sequential, x: TensorLike, options: BatchOptions): Promise<Tensor> {
  try {
    return model.predict(x, options);
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * `x` as a tensor when a call with it may join a batch: `options` asks for nothing but a batch size
 * that holds it, and it has 1 to LONE_ROWS_MAX rows of the sample shape. Else null: the call runs on
 * its own (and reports any error in its input itself).
 */
export function batchable(sample: SampleShape, x: TensorLike, options: BatchOptions): Tensor | null {
  if (options === null || typeof options !== 'object') return null;
  for (const key in options) if (key !== 'batchSize') return null;
  let input: Tensor;
  try {
    input = x instanceof Tensor ? x : toTensor(x);
  } catch {
    return null;
  }
  const rows = input.shape[0];
  if (!(rows >= 1 && rows <= LONE_ROWS_MAX) || input.rank !== sample.length + 1) return null;
  const { batchSize } = options;
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize >= rows)) return null;
  for (let i = 0; i < sample.length; i++) {
    const d = sample[i];
    if (d === null ? !(input.shape[i + 1] >= 1) : input.shape[i + 1] !== d) return null;
  }
  return input;
}

function sameSample(sample: readonly number[], shape: readonly number[]): boolean {
  return sample.length === shape.length - 1 && sample.every((d, i) => d === shape[i + 1]);
}
