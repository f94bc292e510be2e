import type { Backend } from '@rnn/backend-api';
import { getBackend } from '../backend/select';
import { RnnError } from '../errors';
import type { SampleShape } from '../layers/layer';
import type { Tensor, TensorLike } from '../tensor';
import { CallBatcher, batchable, predictOn } from './call-batcher';
import type { BatchOptions } from './model-options';
import type { Sequential } from './sequential';

/** Weights a predictor holds constant on a backend, released with it. */
interface Held {
  backend: Backend;
  arrays: Float32Array[];
}

/** Releases the holds of a predictor that was never disposed, once it is garbage. */
const releaseWhenCollected = new FinalizationRegistry<Held>((held) => held.backend.holds.release(held.arrays));

/**
 * A read-only snapshot of a model for serving, made by `model.predictor()`: like an ONNX Runtime
 * session, it answers `predict` with the weights the model had when the snapshot was taken, bit for
 * bit what `model.predict` gave then, whatever happens to the model afterwards (training,
 * `setWeights`, writes into its parameters). Since nothing can change its weights, the backend may
 * prepare them once: the native one packs the recurrent weights for its step kernels on the first
 * call instead of on every call, about a tenth of a call on one sequence (README, "Serving from
 * Node").
 *
 * It keeps a private copy of the model (its weights, plus their packing on the native backend) until
 * `dispose()`, or until it is garbage. Any number of `predict` calls may run at once.
 *
 * Calls that overlap are batched (call-batcher.ts): a call of up to three rows that comes while
 * others of this predictor's run waits for them, then runs as one batch with the calls that came
 * meanwhile (and those whose callers called again as soon as they got their answers), up to three
 * rows a batch (on the native backend, as many as it has threads for, up to three; none with one
 * thread). A call that finds nothing running runs at once, alone. Each caller gets the bits its
 * call gives alone: the kernels compute each row of such a batch as a call of its own, so it never
 * depends on its neighbours; a batch that fails runs again call by call, so each caller gets its own
 * result or error. Two callers then take about 1.1–1.7× one call's time for both (1.2–1.8× the
 * throughput of one on two cores, with the host's speed), where two separate calls shared a core
 * with the event loop (README, "Serving from Node").
 */
export class Predictor {
  /** The name of the model it was made from. */
  readonly name: string;
  #model: Sequential | null;
  #held: Held | null;
  readonly #sample: SampleShape;
  readonly #batcher: CallBatcher;

  /**
   * Use `model.predictor()`, which hands it a private copy of the model that no one else can reach
   * (the promise behind holding its weights constant).
   */
  constructor(name: string, copy: Sequential) {
    this.name = name;
    this.#model = copy;
    this.#sample = copy.layers[0].inputShape as SampleShape;
    const held: Held = { backend: getBackend(), arrays: copy.parameters().map((p) => p.value) };
    held.backend.holds.hold(held.arrays);
    this.#batcher = new CallBatcher(copy, () => held.backend.loneRows());
    this.#held = held;
    releaseWhenCollected.register(this, held, this);
  }

  /** The input shape of one sample (without the batch axis), as the model was built for it. */
  get inputShape(): SampleShape {
    this.model('inputShape');
    return this.#sample;
  }

  /** The outputs for `x`, computed in batches (default 32) and concatenated, as `model.predict` does. */
  predict(x: TensorLike, options: BatchOptions = {}): Promise<Tensor> {
    let model: Sequential;
    try {
      model = this.model('predict');
    } catch (error) {
      return Promise.reject(error);
    }
    const input = batchable(this.#sample, x, options);
    return input === null ? predictOn(model, x, options) : this.#batcher.submit(input, options);
  }

  /**
   * Frees the copy and the backend's preparation of it now, instead of when the predictor is
   * garbage. Calls already running finish with their results; later calls throw. Idempotent.
   */
  dispose(): void {
    const held = this.#held;
    this.#model = null;
    this.#held = null;
    if (!held) return;
    releaseWhenCollected.unregister(this);
    held.backend.holds.release(held.arrays);
  }

  /** Whether `dispose()` was called. */
  get disposed(): boolean {
    return this.#model === null;
  }

  private model(what: string): Sequential {
    if (this.#model === null) {
      throw new RnnError(`${this.name} predictor.${what}: the predictor was disposed; make a new one with ${this.name}.predictor()`);
    }
    return this.#model;
  }
}
