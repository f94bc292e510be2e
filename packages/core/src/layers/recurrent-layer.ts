import { type Backend, workspaceSize } from '@rnn/backend-api';
import { getBackend } from '../backend/select';
import { runBackward, runForward } from '../cells/kernel-calls';
import type { RecurrentCell } from '../cells/recurrent-cell';
import { ConfigError, RnnError, ShapeError } from '../errors';
import { Random } from '../random';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import type { Parameter } from '../train/parameter';
import { uniqueLayerName } from './naming';
import { Layer, type LayerOutput, type RunContext, type SampleShape } from './layer';
import { type RecurrentLayerOptions, type ResolvedLayerOptions, resolveLayerOptions } from './recurrent-options';
import { parametersToStateDict } from './parameter-dict';
import { entryShape, loadParameters } from './recurrent-state-dict';
import { ScratchBuffers } from './scratch-buffers';
import { flipSteps, maskToTimeMajor, toBatchFirst, toTimeMajor } from './sequence-layout';

/** Options of `apply()`. */
export interface ApplyOptions {
  /** Initial states `[h]` or `[h, c]`, each `[batch, units]`; zeros (or the stateful carry) when absent. */
  initialState?: TensorLike[];
  /** Training pass: dropout active, and `backward` may follow (default false). */
  training?: boolean;
  /** Step mask `[batch, steps]` (1 = real step, 0 = padding). */
  mask?: Float32Array | null;
  /** Backend to run on; defaults to `getBackend()`. */
  backend?: Backend;
}

/** What `apply()` returns: the output and the final states (`[h]` or `[h, c]`, each `[batch, units]`). */
export interface ApplyResult {
  output: Tensor;
  states: Tensor[];
  /** Step mask flowing on (`[batch, steps]`), with `returnSequences` and a mask in. */
  mask: Float32Array | null;
}

/**
 * What a training forward keeps for backward. Buffers are time-major. `x`, `y` and `workspace` are
 * the layer's reused training buffers (see `RecurrentLayer.run`): valid until the next training
 * forward of this layer, which is after this step's backward.
 */
interface SavedForward {
  T: number;
  B: number;
  x: Float32Array; // [T, B, I], after input dropout
  initial: (Float32Array | null)[]; // [B, H] each, in the cell's stateNames order
  mask: Float32Array | null; // [T, B]
  y: Float32Array; // [T, B, H]
  workspace: Float32Array; // [workspaceSize]
  recurrentMask: Float32Array | null; // [B, H]
  inputMask: Float32Array | null; // [B, I]
}

/**
 * The shared body of `SimpleRNN`, `LSTM` and `GRU`: one sequence-kernel call per batch (time-major
 * inside, batch-first outside), returnSequences/returnState, goBackwards, initial and stateful states,
 * input and recurrent dropout, step masks, and backward through the backend's backward kernel.
 */
export abstract class RecurrentLayer<C extends RecurrentCell = RecurrentCell> extends Layer {
  /** The cell holding the weights. */
  readonly cell: C;
  /** Output the whole sequence `[batch, steps, units]` rather than the last output `[batch, units]`. */
  readonly returnSequences: boolean;
  /** Keras's `return_state`; `apply()` always returns the states, this records the intent in the config. */
  readonly returnState: boolean;
  /** Process the steps last to first; the output sequence is in processing order. */
  readonly goBackwards: boolean;
  /** Carry final states into the next batch. */
  readonly stateful: boolean;
  /** Input dropout rate (training only). */
  readonly dropout: number;
  /** Recurrent dropout rate (training only). */
  readonly recurrentDropout: number;
  /** The options this layer was made with (for cloning, e.g. by `Bidirectional`). */
  protected readonly options: RecurrentLayerOptions;
  /** Stateful carry: final states of the last batch (`[B, H]` each), null = zeros. */
  private carried: Float32Array[] | null = null;
  private saved: SavedForward | null = null;
  /**
   * Buffers reused from one training step to the next; each one's shape and lifetime is documented
   * where it is taken (`run`, `backward`). None is ever returned to the caller.
   */
  private readonly trainBuffers = new ScratchBuffers();
  /** Buffers reused from one inference call to the next (`xT`, `y` of `run`, lifetime: that call). */
  private readonly inferBuffers = new ScratchBuffers();
  /** Dropout masks for `apply({ training: true })`, where no model hands in a generator. */
  private applyRng: Random | null = null;

  protected constructor(prefix: string, options: RecurrentLayerOptions, makeCell: (name: string) => C) {
    const name = options?.name ?? uniqueLayerName(prefix);
    const resolved: ResolvedLayerOptions = resolveLayerOptions(name, options ?? ({} as RecurrentLayerOptions));
    super(name, resolved.inputShape);
    this.cell = makeCell(name);
    this.options = { ...options };
    this.returnSequences = resolved.returnSequences;
    this.returnState = resolved.returnState;
    this.goBackwards = resolved.goBackwards;
    this.stateful = resolved.stateful;
    this.dropout = resolved.dropout;
    this.recurrentDropout = resolved.recurrentDropout;
  }

  /** Hidden units. */
  get units(): number {
    return this.cell.units;
  }

  /** A new, unbuilt layer of the same class with these options changed (Keras `from_config`). */
  cloneWith(overrides: Partial<RecurrentLayerOptions>): this {
    const Ctor = this.constructor as new (options: RecurrentLayerOptions) => this;
    return new Ctor({ ...this.options, ...overrides });
  }

  build(inputShape: SampleShape, rng: Random): void {
    if (inputShape.length !== 2 || typeof inputShape[1] !== 'number') {
      throw new ShapeError(`${this.name} expected input [batch, steps, features], got [batch, ${inputShape.join(', ')}]`);
    }
    const random = this.cell.options.seed !== undefined ? new Random(this.cell.options.seed) : rng;
    this.cell.build(inputShape[1], random);
    this.applyRng = random.fork();
    this.inputShape = [inputShape[0], inputShape[1]];
    this.built = true;
  }

  computeOutputShape(inputShape: SampleShape): SampleShape {
    return this.returnSequences ? [inputShape[0], this.units] : [this.units];
  }

  parameters(): Parameter[] {
    return this.cell.parameters();
  }

  override stateDict(): Record<string, Tensor> {
    return parametersToStateDict(this.requireBuilt().parameters());
  }

  override loadStateDict(dict: Record<string, unknown>): void {
    if (!this.built) this.buildFromStateDict(dict);
    loadParameters(this.name, this.parameters(), dict);
  }

  /** Builds an unbuilt layer from the input size its `weight_ih_l0` implies. */
  private buildFromStateDict(dict: Record<string, unknown>): void {
    if (this.inputShape) return this.build(this.inputShape, new Random());
    const w = dict?.weight_ih_l0;
    const shape = w === undefined ? null : entryShape(w);
    if (!shape || shape.length !== 2 || shape[1] <= 0) {
      throw new ConfigError(
        `${this.name} is not built and has no inputShape; loadStateDict needs 'weight_ih_l0' [${this.cell.gates * this.units}, features] to build it`,
      );
    }
    this.build([null, shape[1]], new Random());
  }

  /** Forgets the stateful carry: the next batch starts from zero states (and may change batch size). */
  resetStates(): void {
    this.carried = null;
  }

  getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      ...this.cell.getConfig(),
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      stateful: this.stateful,
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
      inputShape: this.inputShape ? [...this.inputShape] : null,
    };
  }

  /** Runs the layer on `x [batch, steps, features]`; returns the output and the final states. */
  async apply(x: TensorLike, options: ApplyOptions = {}): Promise<ApplyResult> {
    const input = toTensor(x, `${this.name} input`);
    if (!this.built) this.buildFor(input);
    const ctx: RunContext = {
      backend: options.backend ?? getBackend(),
      training: options.training ?? false,
      rng: this.applyRng ?? new Random(),
    };
    return this.forwardWithState(input, options.mask ?? null, ctx, options.initialState);
  }

  async forward(x: Tensor, mask: Float32Array | null, ctx: RunContext): Promise<LayerOutput> {
    const { output, mask: outMask } = await this.forwardWithState(x, mask, ctx);
    return { y: output, mask: outMask };
  }

  /**
   * `forward` with initial states and the final states returned, for wrappers such as
   * `Bidirectional` that run inside a model's context.
   */
  async forwardWithState(x: Tensor, mask: Float32Array | null, ctx: RunContext, initialState?: TensorLike[]): Promise<ApplyResult> {
    if (!this.built) this.buildFor(x);
    const initial = initialState ? this.checkInitialState(initialState, x.shape[0]) : null;
    return this.run(x, mask, ctx, initial);
  }

  /** The sequence pass shared by `forward` and `apply`. */
  protected async run(x: Tensor, mask: Float32Array | null, ctx: RunContext, initial: Float32Array[] | null): Promise<ApplyResult> {
    const { B, T, I } = this.checkInput(x);
    const H = this.units;
    if (mask !== null && mask.length !== B * T) {
      throw new ShapeError(`${this.name} expected a mask [batch, steps] = [${B}, ${T}] (${B * T} values), got ${mask.length} values`);
    }
    const initialStates = initial ?? this.carriedStates(B) ?? this.cell.stateNames.map(() => null); // [B, H] each
    const buffers = this.buffersFor(ctx.training);
    // Reused buffers (training: kept in `saved` until this step's backward; inference: this call only):
    //   xT [T, B, I]         the time-major input, after input dropout; read by forward and backward
    //   y [T, B, H]          the kernel's output sequence; copied out batch-first, read by backward
    //   workspace [wsSize]   training only: what forward saves for backward (gate activations, …)
    // Each is fully overwritten (by the copy below or by the kernel) before it is read.
    const xT = toTimeMajor(x.data, B, T, I, buffers.take('xT', T * B * I)); // [T, B, I]
    const inputMask = ctx.training && this.dropout > 0 ? dropoutMask(B * I, this.dropout, ctx.rng) : null; // [B, I]
    if (inputMask) applyInputMask(xT, inputMask, T);
    const recurrentMask = ctx.training && this.recurrentDropout > 0 ? dropoutMask(B * H, this.recurrentDropout, ctx.rng) : null; // [B, H]
    const kernelMask = mask ? maskToTimeMajor(mask, B, T) : null; // [T, B]
    const dims = { T, B, I, H };
    const workspace = ctx.training ? buffers.take('workspace', workspaceSize(this.cell.kind, dims)) : null;
    const y = buffers.take('y', T * B * H); // [T, B, H]
    // The final states are returned (apply's `states`), so they are always new buffers.
    const final = this.cell.stateNames.map(() => new Float32Array(B * H)); // [B, H] each
    const run = { T, B, y, workspace, x: xT, initial: initialStates, final, mask: kernelMask, recurrentMask, reverse: this.goBackwards };
    buffers.busy = true;
    try {
      await runForward(ctx.backend, this.cell.forwardCall(run));
    } finally {
      buffers.busy = false;
    }

    if (this.stateful) this.carried = final.map((s) => s.slice());
    this.saved = workspace ? { T, B, x: xT, initial: initialStates, mask: kernelMask, y, workspace, recurrentMask, inputMask } : null;
    const states = final.map((s) => new Tensor(s, [B, H]));
    if (!this.returnSequences) return { output: new Tensor(final[0].slice(), [B, H]), states, mask: null };
    // The output goes to the next layer or the user: a new buffer. Keras's goBackwards returns the
    // sequence in processing order (flipped back in the same pass); the mask follows its steps.
    const out = toBatchFirst(y, T, B, H, undefined, this.goBackwards); // [B, T, H]
    const outMask = this.goBackwards && mask ? flipSteps(mask, B, T, 1) : mask;
    return { output: new Tensor(out, [B, T, H]), states, mask: outMask };
  }

  /**
   * Back-propagates the output gradient of the last training forward (`[batch, steps, units]` with
   * returnSequences, else `[batch, units]`): accumulates into the weights' `grad` and returns dx
   * `[batch, steps, features]` (a new tensor) — or `null` when `needsInputGradient` is false (the
   * first layer of a model), which also spares the kernel its largest GEMM.
   */
  async backward(dy: Tensor, ctx: RunContext): Promise<Tensor>;
  async backward(dy: Tensor, ctx: RunContext, needsInputGradient: boolean): Promise<Tensor | null>;
  async backward(dy: Tensor, ctx: RunContext, needsInputGradient = true): Promise<Tensor | null> {
    const saved = this.saved;
    if (!saved) {
      throw new RnnError(`${this.name}.backward needs a training forward first (forward with ctx.training = true)`);
    }
    const { T, B } = saved;
    const H = this.units;
    const I = this.cell.inputSize!;
    const want = this.returnSequences ? [B, T, H] : [B, H];
    if (dy.shape.length !== want.length || dy.shape.some((d, i) => d !== want[i])) {
      throw new ShapeError(`${this.name}.backward expected dy [${want.join(', ')}], got [${dy.shape.join(', ')}]`);
    }
    const buffers = this.buffersFor(true);
    // Reused gradient scratch, lifetime: this call.
    //   dySeq [T, B, H]   dy time-major, in processing order (flipped back with goBackwards)
    //   dxT [T, B, I]     the kernel's input gradient, copied out batch-first below
    const dySeq = this.returnSequences ? toTimeMajor(dy.data, B, T, H, buffers.take('dySeq', T * B * H), this.goBackwards) : null;
    const dxT = needsInputGradient ? buffers.take('dxT', T * B * I) : null; // [T, B, I]
    const states = this.cell.stateNames;
    const call = this.cell.backwardCall({
      T,
      B,
      dx: dxT,
      dInitial: states.map(() => null),
      dy: dySeq,
      dFinal: states.map((_, k) => (k === 0 && !this.returnSequences ? dy.data : null)), // [B, H] each
      x: saved.x,
      initial: saved.initial,
      mask: saved.mask,
      y: saved.y,
      workspace: saved.workspace,
      recurrentMask: saved.recurrentMask,
      reverse: this.goBackwards,
    });
    buffers.busy = true;
    try {
      await runBackward(ctx.backend, call);
    } finally {
      buffers.busy = false;
    }
    this.saved = null;
    if (dxT === null) return null;
    if (saved.inputMask) applyInputMask(dxT, saved.inputMask, T);
    return new Tensor(toBatchFirst(dxT, T, B, I), [B, T, I]); // a new buffer: the caller keeps it
  }

  /** This layer's reused buffers for a training or inference call, or a fresh set if a call is in flight on them. */
  private buffersFor(training: boolean): ScratchBuffers {
    const own = training ? this.trainBuffers : this.inferBuffers;
    return own.busy ? ScratchBuffers.fresh() : own;
  }

  /** Builds on first use: from `inputShape` when given (the input is then checked against it), else from `x`. */
  private buildFor(x: Tensor): void {
    const seed = this.cell.options.seed;
    const rng = seed !== undefined ? new Random(seed) : new Random();
    if (this.inputShape) return this.build(this.inputShape, rng);
    const features = x.rank === 3 ? x.shape[2] : undefined;
    if (features === undefined || features <= 0) {
      throw new ShapeError(`${this.name} expected input [batch, steps, features], got [${x.shape.join(', ')}]`);
    }
    this.build([null, features], rng);
  }

  private checkInput(x: Tensor): { B: number; T: number; I: number } {
    const I = this.cell.inputSize!;
    const steps = this.inputShape?.[0] ?? null;
    const [B, T, F] = x.shape;
    const ok = x.rank === 3 && F === I && (steps === null || T === steps) && B > 0 && T > 0;
    if (!ok) {
      throw new ShapeError(`${this.name} expected input [batch, ${steps ?? 'steps'}, ${I}], got [${x.shape.join(', ')}]`);
    }
    return { B, T, I };
  }

  private carriedStates(batch: number): Float32Array[] | null {
    if (!this.stateful || !this.carried) return null;
    const carriedBatch = this.carried[0].length / this.units;
    if (carriedBatch !== batch) {
      throw new ShapeError(
        `${this.name} is stateful with batch size ${carriedBatch}, got a batch of ${batch}; keep the batch size fixed (or call resetStates())`,
      );
    }
    return this.carried;
  }

  private checkInitialState(states: TensorLike[], batch: number): Float32Array[] {
    const names = this.cell.stateNames;
    if (!Array.isArray(states) || states.length !== names.length) {
      throw new ShapeError(
        `${this.name} expected initialState [${names.join(', ')}] (${names.length} tensor${names.length > 1 ? 's' : ''}), got ${Array.isArray(states) ? states.length : typeof states}`,
      );
    }
    return states.map((s, k) => {
      const t = toTensor(s, `${this.name} initialState[${k}]`);
      if (t.rank !== 2 || t.shape[0] !== batch || t.shape[1] !== this.units) {
        throw new ShapeError(`${this.name} expected initialState[${k}] (${names[k]}) [${batch}, ${this.units}], got [${t.shape.join(', ')}]`);
      }
      return t.data;
    });
  }

  private requireBuilt(): C {
    if (!this.built) throw new ConfigError(`${this.name} is not built yet: give it an inputShape, run it once or load weights`);
    return this.cell;
  }
}

/** 0 or 1/(1−rate) per element (inverted dropout). */
function dropoutMask(size: number, rate: number, rng: Random): Float32Array {
  const keep = 1 / (1 - rate);
  const mask = new Float32Array(size);
  for (let i = 0; i < size; i++) mask[i] = rng.next() < rate ? 0 : keep;
  return mask;
}

/** Scales every step of `xT [T, B, I]` by `mask [B, I]`, in place. */
function applyInputMask(xT: Float32Array, mask: Float32Array, T: number): void {
  const stride = mask.length;
  for (let t = 0; t < T; t++) {
    const base = t * stride;
    for (let k = 0; k < stride; k++) xT[base + k] *= mask[k];
  }
}
