import { type Backend, type CellKind, GATES } from '@rnn/backend-api';
import { getBackend } from '../backend/select';
import { ConfigError, ShapeError } from '../errors';
import { initialize } from '../init/initializers';
import { transpose2d } from '../layers/sequence-layout';
import { Random } from '../random';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import type { Parameter } from '../train/parameter';
import type { ResolvedCellOptions } from './cell-options';
import type { BackwardCall, ForwardCall } from './kernel-calls';
import { runForwardSync } from './kernel-calls';

/** A cell's state: the hidden state, plus the cell state for LSTM. Each is `[batch, units]`. */
export interface CellState {
  h: Tensor;
  c?: Tensor;
}

/** One step's result: the output (`= h`) and the next state. */
export interface StepResult<S extends CellState> {
  output: Tensor;
  state: S;
}

/** Buffers of one forward sequence call, without the weights (the cell adds those). */
export interface SequenceRun {
  T: number;
  B: number;
  /** [T, B, H] output */
  y: Float32Array;
  /** [B, H] output */
  hT: Float32Array;
  /** [B, H] output, LSTM only (null otherwise) */
  cT: Float32Array | null;
  /** [workspaceSize] output, or null for inference */
  workspace: Float32Array | null;
  /** [T, B, I] */
  x: Float32Array;
  /** [B, H] or null = zeros */
  h0: Float32Array | null;
  /** [B, H] or null = zeros, LSTM only */
  c0: Float32Array | null;
  /** [T, B] or null = every step counts */
  mask: Float32Array | null;
  /** [B, H] or null */
  recurrentMask: Float32Array | null;
  reverse: boolean;
}

/** Buffers of one backward sequence call, without the weights and their gradients. */
export interface SequenceGradRun {
  T: number;
  B: number;
  /** [T, B, I] output or null */
  dx: Float32Array | null;
  /** [B, H] output or null */
  dh0: Float32Array | null;
  /** [B, H] output or null, LSTM only */
  dc0: Float32Array | null;
  /** [T, B, H] or null */
  dy: Float32Array | null;
  /** [B, H] or null */
  dhT: Float32Array | null;
  /** [B, H] or null, LSTM only */
  dcT: Float32Array | null;
  /** [T, B, I] the forward input */
  x: Float32Array;
  /** [B, H] or null */
  h0: Float32Array | null;
  /** [B, H] or null, LSTM only */
  c0: Float32Array | null;
  /** [T, B] or null */
  mask: Float32Array | null;
  /** [T, B, H] the forward output */
  y: Float32Array;
  /** the forward workspace */
  workspace: Float32Array;
  /** [B, H] or null */
  recurrentMask: Float32Array | null;
  reverse: boolean;
}

/** A trainable weight with a zeroed gradient. */
export function makeParameter(name: string, shape: readonly number[], value: Float32Array): Parameter {
  return { name, shape: Object.freeze([...shape]), value, grad: new Float32Array(value.length) };
}

/**
 * The shared part of `SimpleRNNCell`, `LSTMCell` and `GRUCell`: weights in PyTorch's layout
 * (`weight_ih_l0 [G·H, I]`, `weight_hh_l0 [G·H, H]`, `bias_ih_l0`/`bias_hh_l0 [G·H]`), Keras 3's
 * initialisation, and `step()` for one-step streaming inference through the sequence kernel (T = 1).
 */
export abstract class RecurrentCell<S extends CellState = CellState> {
  /** Which kernel family runs this cell. */
  abstract readonly kind: CellKind;
  /** Name used in error messages (the owning layer's name, or the cell's own). */
  readonly name: string;
  /** Validated options with defaults filled in. */
  readonly options: ResolvedCellOptions;
  /** Input features I, known once built. */
  inputSize: number | null = null;
  /** `weight_ih_l0 [G·H, I]` */
  weightIh: Parameter | null = null;
  /** `weight_hh_l0 [G·H, H]` */
  weightHh: Parameter | null = null;
  /** `bias_ih_l0 [G·H]`, null without bias */
  biasIh: Parameter | null = null;
  /** `bias_hh_l0 [G·H]`, null without bias */
  biasHh: Parameter | null = null;

  protected constructor(name: string, options: ResolvedCellOptions) {
    this.name = name;
    this.options = options;
  }

  /** Hidden units H. */
  get units(): number {
    return this.options.units;
  }

  /** Gate count G. */
  get gates(): number {
    return GATES[this.kind];
  }

  /** Whether the weights exist. */
  get built(): boolean {
    return this.inputSize !== null;
  }

  /** Names of the state tensors, in the order layers return them: `['h']` or `['h', 'c']`. */
  get stateNames(): readonly ('h' | 'c')[] {
    return this.kind === 'lstm' ? ['h', 'c'] : ['h'];
  }

  /**
   * Creates the weights for `inputSize` features. Draws from `new Random(seed)` when the `seed` option
   * is set, else from `rng` (the model hands each layer a fork of its own), else from a fresh generator.
   */
  build(inputSize: number, rng?: Random): void {
    if (!Number.isInteger(inputSize) || inputSize <= 0) {
      throw new ConfigError(`${this.name}: input features must be a positive integer, got ${inputSize}`);
    }
    const random = this.options.seed !== undefined ? new Random(this.options.seed) : (rng ?? new Random());
    const { units: H, kernelInitializer, recurrentInitializer, useBias } = this.options;
    const I = inputSize;
    const GH = this.gates * H;
    // Drawn in Keras's layouts (kernel [I, G·H], recurrent kernel [H, G·H]) so fans and orthogonality
    // mean what they mean in Keras, then stored transposed in PyTorch's layout.
    const wIh = transpose2d(initialize(kernelInitializer, [I, GH], I, GH, random), I, GH); // [G·H, I]
    const wHh = transpose2d(initialize(recurrentInitializer, [H, GH], H, GH, random), H, GH); // [G·H, H]
    this.weightIh = makeParameter('weight_ih_l0', [GH, I], wIh);
    this.weightHh = makeParameter('weight_hh_l0', [GH, H], wHh);
    if (useBias) {
      this.biasIh = makeParameter('bias_ih_l0', [GH], this.initialInputBias(random)); // [G·H]
      this.biasHh = makeParameter('bias_hh_l0', [GH], this.initialRecurrentBias(random)); // [G·H]
    }
    this.buildExtra(random);
    this.inputSize = I;
  }

  /** Keras's single bias goes to `bias_ih` (cells override to add e.g. the unit forget bias). */
  protected initialInputBias(random: Random): Float32Array {
    const GH = this.gates * this.units;
    return initialize(this.options.biasInitializer, [GH], GH, GH, random);
  }

  /** Keras has no second bias for most cells, so `bias_hh` starts at zero (GRU overrides). */
  protected initialRecurrentBias(_random: Random): Float32Array {
    return new Float32Array(this.gates * this.units);
  }

  /** Extra weights after the biases (LSTM peepholes). */
  protected buildExtra(_random: Random): void {}

  /** Trainable weights in a stable order: weight_ih, weight_hh, bias_ih, bias_hh, then extras. */
  parameters(): Parameter[] {
    const list = [this.weightIh, this.weightHh, this.biasIh, this.biasHh, ...this.extraParameters()];
    return list.filter((p): p is Parameter => p !== null);
  }

  protected extraParameters(): (Parameter | null)[] {
    return [];
  }

  /** The forward kernel call for these buffers, with this cell's weights and options. */
  abstract forwardCall(run: SequenceRun): ForwardCall;

  /** The backward kernel call for these buffers, accumulating into this cell's gradients. */
  abstract backwardCall(run: SequenceGradRun): BackwardCall;

  /** Wraps the state buffers (`[B, H]` each, in `stateNames` order) as this cell's typed state. */
  protected abstract makeState(buffers: Float32Array[], batch: number): S;

  /** Zero state for `batch` sequences. */
  initialState(batch: number): S {
    if (!Number.isInteger(batch) || batch <= 0) {
      throw new ConfigError(`${this.name}.initialState expected a positive integer batch, got ${batch}`);
    }
    return this.makeState(
      this.stateNames.map(() => new Float32Array(batch * this.units)),
      batch,
    );
  }

  /**
   * One time step for streaming inference: `x [batch, features]` and the previous state in, the output
   * (`h`) and next state out. Runs the backend's sequence kernel with T = 1, so it is the same math as
   * the layers. Builds the weights from `x` on first use when the cell is not built yet.
   */
  step(x: TensorLike, state: S, backend: Backend = getBackend()): StepResult<S> {
    const input = toTensor(x, `${this.name} input`);
    if (input.rank !== 2) {
      throw new ShapeError(`${this.name}.step expected input [batch, features], got [${input.shape.join(', ')}]`);
    }
    const [B, I] = input.shape;
    if (!this.built) this.build(I);
    if (I !== this.inputSize) {
      throw new ShapeError(`${this.name}.step expected input [batch, ${this.inputSize}], got [${input.shape.join(', ')}]`);
    }
    const H = this.units;
    const [h0, c0] = this.stateNames.map((key) => this.stateBuffer(state, key, B));
    const y = new Float32Array(B * H); // [1, B, H]
    const hT = new Float32Array(B * H); // [B, H]
    const cT = this.kind === 'lstm' ? new Float32Array(B * H) : null; // [B, H]
    const run: SequenceRun = {
      T: 1,
      B,
      y,
      hT,
      cT,
      workspace: null,
      x: input.data,
      h0,
      c0: c0 ?? null,
      mask: null,
      recurrentMask: null,
      reverse: false,
    };
    runForwardSync(backend, this.forwardCall(run));
    const next = this.makeState(cT ? [hT, cT] : [hT], B);
    return { output: new Tensor(y, [B, H]), state: next };
  }

  private stateBuffer(state: S, key: 'h' | 'c', batch: number): Float32Array {
    const value = (state as unknown as Record<string, TensorLike | undefined>)?.[key];
    if (value === undefined) {
      throw new ShapeError(`${this.name}.step expected state.${key} [${batch}, ${this.units}], got nothing`);
    }
    const t = toTensor(value, `${this.name} state.${key}`);
    if (t.rank !== 2 || t.shape[0] !== batch || t.shape[1] !== this.units) {
      throw new ShapeError(`${this.name}.step expected state.${key} [${batch}, ${this.units}], got [${t.shape.join(', ')}]`);
    }
    return t.data;
  }

  /** Weight buffers the kernels need; throws if the cell is not built. */
  protected weights(): { wIh: Float32Array; wHh: Float32Array; bIh: Float32Array | null; bHh: Float32Array | null } {
    if (!this.weightIh || !this.weightHh) {
      throw new ConfigError(`${this.name} is not built yet: call build(inputSize) or run it on an input first`);
    }
    return { wIh: this.weightIh.value, wHh: this.weightHh.value, bIh: this.biasIh?.value ?? null, bHh: this.biasHh?.value ?? null };
  }

  /** Gradient buffers the backward kernels accumulate into. */
  protected gradients(): { dWIh: Float32Array; dWHh: Float32Array; dBIh: Float32Array | null; dBHh: Float32Array | null } {
    this.weights();
    return { dWIh: this.weightIh!.grad, dWHh: this.weightHh!.grad, dBIh: this.biasIh?.grad ?? null, dBHh: this.biasHh?.grad ?? null };
  }

  /** Options that rebuild this cell. */
  getConfig(): Record<string, unknown> {
    const { seed, ...rest } = this.options;
    return seed === undefined ? { ...rest } : { ...rest, seed };
  }
}
