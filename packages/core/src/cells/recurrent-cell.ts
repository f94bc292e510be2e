import { type Backend, type CellKind, GATES, type LstmForwardArgs, type RecurrentBackwardBase, type RecurrentForwardBase } from '@rnn/backend-api';
import { getBackend } from '../backend/select';
import { checkWeightSize } from '../buffer-limits';
import { ConfigError, ShapeError } from '../errors';
import { awaitInitialization, finishInitialization } from '../init/background-init';
import { initialize, initializeTransposed } from '../init/initializers';
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

/** Fields a cell fills in from itself: the sizes I and H, its weights and their gradients. */
type CellFields = 'I' | 'H' | 'wIh' | 'wHh' | 'bIh' | 'bHh' | 'dWIh' | 'dWHh' | 'dBIh' | 'dBHh';

/** The hidden-state fields, which a run carries as lists (`h`, then `c` for LSTM). */
type StateFields = 'h0' | 'hT' | 'dh0' | 'dhT';

/**
 * Buffers of one forward sequence call: the forward kernel's arguments without the cell's own
 * fields and options, with the states as lists in `stateNames` order (`[h]`, or `[h, c]` for LSTM).
 */
export interface SequenceRun extends Omit<RecurrentForwardBase, CellFields | StateFields> {
  /** [B, H] each: the initial states; `null` = zeros. */
  initial: (Float32Array | null)[];
  /** [B, H] each, written: the final states. */
  final: Float32Array[];
}

/**
 * Buffers of one backward sequence call: the backward kernel's arguments without the cell's own
 * fields and options, with the states and their gradients as lists in `stateNames` order.
 */
export interface SequenceGradRun extends Omit<RecurrentBackwardBase, CellFields | StateFields> {
  /** [B, H] each: the forward's initial states; `null` = zeros. */
  initial: (Float32Array | null)[];
  /** [B, H] each: gradients w.r.t. the final states; `null` = zeros. */
  dFinal: (Float32Array | null)[];
  /** [B, H] each, written: gradients w.r.t. the initial states; `null` = not wanted. */
  dInitial: (Float32Array | null)[];
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
    checkWeightSize(this.name, 'weight_ih_l0', [GH, I]);
    checkWeightSize(this.name, 'weight_hh_l0', [GH, H]);
    // Drawn in Keras's layouts (kernel [I, G·H], recurrent kernel [H, G·H]) so fans and orthogonality
    // mean what they mean in Keras, then stored transposed in PyTorch's layout. A large orthogonal
    // weight arrives later, from a worker thread (see `ready`).
    const wIh = initializeTransposed(kernelInitializer, I, GH, I, GH, random); // [G·H, I]
    const wHh = initializeTransposed(recurrentInitializer, H, GH, H, GH, random); // [G·H, H]
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

  /**
   * Trainable weights in a stable order: weight_ih, weight_hh, bias_ih, bias_hh, then extras. Their
   * values are final: a weight still being initialised on a worker thread is waited for, blocking
   * (`await ready()` first to wait without blocking).
   */
  parameters(): Parameter[] {
    const list = this.parametersAsAllocated();
    finishInitialization(list.map((p) => p.value));
    return list;
  }

  /**
   * The same weights without waiting for values still being initialised (those read as zeros until
   * `ready()`): for their shapes, or to overwrite them (then `dropInitialization` abandons the job).
   */
  parametersAsAllocated(): Parameter[] {
    const list = [this.weightIh, this.weightHh, this.biasIh, this.biasHh, ...this.extraParameters()];
    return list.filter((p): p is Parameter => p !== null);
  }

  /** Resolves once every weight holds its initial values (large orthogonal ones come from a worker thread). */
  ready(): Promise<void> {
    return awaitInitialization(this.parametersAsAllocated().map((p) => p.value));
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
    const y = new Float32Array(B * H); // [1, B, H]
    const final = this.stateNames.map(() => new Float32Array(B * H)); // [B, H] each
    const run: SequenceRun = {
      T: 1,
      B,
      y,
      workspace: null,
      x: input.data,
      initial: this.stateNames.map((key) => this.stateBuffer(state, key, B)),
      final,
      mask: null,
      recurrentMask: null,
      reverse: false,
      batchFirst: false,
    };
    runForwardSync(backend, this.forwardCall(run));
    return { output: new Tensor(y, [B, H]), state: this.makeState(final, B) };
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

  // Per-call argument objects are built from named fields and `Object.assign`, never an object rest
  // (`{ a, ...rest } = run`) or a spread followed by more properties (`{ ...base, c0 }`): Node 20's
  // V8 copies those through a slow runtime path, 1–13 µs each, which made a tenth of a one-sequence
  // predict. `Object.assign` onto a fresh object costs ~0.2 µs.
  /** The forward arguments every cell shares: the run with the hidden state named, sizes and weights. */
  protected forwardBase(run: SequenceRun): RecurrentForwardBase {
    const [wIh, wHh] = this.builtWeights();
    return {
      y: run.y,
      hT: run.final[0],
      workspace: run.workspace,
      x: run.x,
      h0: run.initial[0],
      mask: run.mask,
      wIh: wIh.value,
      wHh: wHh.value,
      bIh: this.biasIh?.value ?? null,
      bHh: this.biasHh?.value ?? null,
      recurrentMask: run.recurrentMask,
      T: run.T,
      B: run.B,
      I: this.inputSize!,
      H: this.units,
      reverse: run.reverse,
      batchFirst: run.batchFirst,
    };
  }

  /** The backward arguments every cell shares: the run with the hidden state named, sizes, weights and their gradients. */
  protected backwardBase(run: SequenceGradRun): RecurrentBackwardBase {
    const [wIh, wHh] = this.builtWeights();
    return {
      dx: run.dx,
      dy: run.dy,
      x: run.x,
      mask: run.mask,
      y: run.y,
      workspace: run.workspace,
      recurrentMask: run.recurrentMask,
      T: run.T,
      B: run.B,
      reverse: run.reverse,
      h0: run.initial[0],
      dhT: run.dFinal[0],
      dh0: run.dInitial[0],
      I: this.inputSize!,
      H: this.units,
      wIh: wIh.value,
      wHh: wHh.value,
      dWIh: wIh.grad,
      dWHh: wHh.grad,
      dBIh: this.biasIh?.grad ?? null,
      dBHh: this.biasHh?.grad ?? null,
    };
  }

  /** The two activations of a gated cell (LSTM, GRU). */
  protected gateActivations(): Pick<LstmForwardArgs, 'activation' | 'recurrentActivation'> {
    return { activation: this.options.activation, recurrentActivation: this.options.recurrentActivation };
  }

  /** `weight_ih_l0` and `weight_hh_l0`, with their values final; throws if the cell is not built. */
  private builtWeights(): [Parameter, Parameter] {
    if (!this.weightIh || !this.weightHh) {
      throw new ConfigError(`${this.name} is not built yet: call build(inputSize) or run it on an input first`);
    }
    finishInitialization([this.weightIh.value, this.weightHh.value]);
    return [this.weightIh, this.weightHh];
  }

  /** Options that rebuild this cell. */
  getConfig(): Record<string, unknown> {
    const { seed, ...rest } = this.options;
    return seed === undefined ? { ...rest } : { ...rest, seed };
  }
}
