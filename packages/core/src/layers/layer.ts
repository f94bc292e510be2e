import type { Backend } from '@rnn/backend-api';
import { StateDictError } from '../errors';
import type { Random } from '../random';
import type { Tensor } from '../tensor';
import type { Parameter } from '../train/parameter';
import { loadParametersFromDict, parametersToStateDict } from './parameter-dict';
import { asTensor, type LayerValue } from './time-major';

/** What a layer needs to run one forward or backward pass. */
export interface RunContext {
  backend: Backend;
  /** Training pass: dropout is active and forward keeps what backward needs. */
  training: boolean;
  /** Randomness for dropout masks (seeded by the model). */
  rng: Random;
}

/** A layer's output and the step mask that flows to the next layer (`[batch, steps]`, 1 = real step). */
export interface LayerOutput {
  y: Tensor;
  mask: Float32Array | null;
}

/** A layer's output inside a model: a tensor, or a sequence kept time-major for the next layer. */
export interface LayerValueOutput {
  y: LayerValue;
  mask: Float32Array | null;
}

/** Shape of one sample, without the batch axis; `null` marks a size known only at run time. */
export type SampleShape = readonly (number | null)[];

/**
 * The base of every layer. Public tensors are batch-first (`[batch, steps, features]`, like Keras);
 * recurrent layers convert to time-major once, at their boundary.
 */
export abstract class Layer {
  /** Unique, Keras-style name, e.g. `lstm_1`. */
  readonly name: string;
  /** Input shape of one sample, given by the user (`inputShape`) or by the previous layer. */
  inputShape: SampleShape | null;
  built = false;

  protected constructor(name: string, inputShape: SampleShape | null) {
    this.name = name;
    this.inputShape = inputShape;
  }

  /** The class name used in saved models and summaries, e.g. `LSTM`. */
  abstract get className(): string;

  /** Creates the weights for this input shape (called once, before the first forward). */
  abstract build(inputShape: SampleShape, rng: Random): void;

  /** Output shape of one sample for this input shape. */
  abstract computeOutputShape(inputShape: SampleShape): SampleShape;

  /**
   * The step mask `[batch, steps]` the layer's output carries for an input mask, as `forward` hands
   * it on (for checking targets before training). Most layers pass it through.
   */
  outputMask(mask: Float32Array | null, _batch: number, _steps: number): Float32Array | null {
    return mask;
  }

  /** Runs the layer on a batch. When `ctx.training`, keeps what `backward` needs. */
  abstract forward(x: Tensor, mask: Float32Array | null, ctx: RunContext): Promise<LayerOutput>;

  /**
   * Back-propagates `dy` (same shape as the last training forward's output): accumulates parameter
   * gradients (`+=`) and returns the gradient w.r.t. the input, or `null` where the input is not
   * differentiable (token ids into an Embedding). With `needsInputGradient` false (the model's first
   * layer: nobody reads its input gradient) a layer may skip computing it and return `null`.
   */
  abstract backward(dy: Tensor, ctx: RunContext, needsInputGradient?: boolean): Promise<Tensor | null>;

  /**
   * Checks a whole data set this layer will read as a model's first layer, before any batch runs,
   * naming the sample of a bad value (e.g. `Embedding`'s ids). Most layers accept any finite input.
   */
  checkData(_x: Tensor, _name: string): void {}

  /**
   * Whether this layer reads a time-major sequence as it is (recurrent layers, `Bidirectional`):
   * the layer before it then hands its output sequence on time-major, without a transpose.
   */
  get readsTimeMajor(): boolean {
    return false;
  }

  /**
   * `forward` inside a model, where the input may be a time-major sequence and the output may stay
   * one (`timeMajorOut`: the next layer `readsTimeMajor`). By default the input is made a
   * batch-first tensor and the output is `forward`'s.
   */
  forwardValue(x: LayerValue, mask: Float32Array | null, ctx: RunContext, _timeMajorOut: boolean): Promise<LayerValueOutput> {
    return this.forward(asTensor(x), mask, ctx);
  }

  /**
   * `backward` inside a model: `dy` is in the layout `forwardValue` gave its output, and the input
   * gradient may stay time-major (`timeMajorOut`: the layer before `readsTimeMajor`).
   */
  backwardValue(dy: LayerValue, ctx: RunContext, needsInputGradient: boolean, _timeMajorOut: boolean): Promise<LayerValue | null> {
    return this.backward(asTensor(dy), ctx, needsInputGradient);
  }

  /** Trainable weights, in a stable order. */
  abstract parameters(): Parameter[];

  /** The options that rebuild this layer (for `save` and `summary`). */
  abstract getConfig(): Record<string, unknown>;

  /** Weights under their PyTorch names and layouts: by default, copies of `parameters()` under their names. */
  stateDict(): Record<string, Tensor> {
    if (!this.built) throw new StateDictError(`${this.name} has no weights yet: give it an inputShape or run it once`);
    return parametersToStateDict(this.parameters());
  }

  /** Loads weights under their PyTorch names; missing, extra or wrongly shaped entries are a `StateDictError`. */
  loadStateDict(dict: Record<string, unknown>): void {
    if (!this.built) throw new StateDictError(`${this.name}: cannot load weights before the layer is built (give it an inputShape)`);
    loadParametersFromDict(this.name, this.parameters(), dict);
  }

  /** Resolves once every weight holds its initial values (large recurrent ones come from a worker thread). */
  ready(): Promise<void> {
    return Promise.resolve();
  }

  /** Number of trainable values. */
  countParams(): number {
    return this.parameters().reduce((n, p) => n + p.value.length, 0);
  }
}
