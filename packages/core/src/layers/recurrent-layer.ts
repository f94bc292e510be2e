import { workspaceSize } from '@rnn/backend-api';
import { getBackend } from '../backend/select';
import { checkBufferSize } from '../buffer-limits';
import { runBackward, runForward } from '../cells/kernel-calls';
import type { RecurrentCell } from '../cells/recurrent-cell';
import { ConfigError, RnnError, ShapeError } from '../errors';
import { dropInitialization } from '../init/background-init';
import { withoutInitializers } from '../init/initializers';
import { Random } from '../random';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import type { Parameter } from '../train/parameter';
import { Layer, type LayerOutput, type LayerValueOutput, type RunContext, type SampleShape } from './layer';
import { checkCellOptions } from '../cells/cell-options';
import { checkOptions } from '../options';
import { RECURRENT_LAYER_OPTION_KEYS, type RecurrentLayerOptions, type ResolvedLayerOptions, resolveLayerOptions } from './recurrent-options';
import { parametersToStateDict } from './parameter-dict';
import { APPLY_OPTION_KEYS, type ApplyOptions, type ApplyResult, type SequenceResult } from './recurrent-apply';
import { entryShape, loadParameters } from './recurrent-state-dict';
import {
  dropoutMask,
  handsOnY,
  inputGradient,
  kernelInput,
  kernelOutputGradient,
  type SequenceForm,
  sequenceOutput,
} from './recurrent-layout';
import { INFERENCE_SCRATCH_SETS_KEPT, ScratchBuffers, ScratchPool } from './scratch-buffers';
import { flipSteps, maskToTimeMajor } from './sequence-layout';
import { asTensor, type LayerValue } from './time-major';

export type { ApplyOptions, ApplyResult, SequenceResult } from './recurrent-apply';

/**
 * What a training forward keeps for backward. Buffers are time-major: the layer's reused training
 * buffers (valid until its next training forward, which is after this step's backward), or
 * buffers of their own (the previous layer's time-major output as `x`; `y` when handed on).
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
  form: SequenceForm; // how the output was handed on, so how dy comes back
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
  /** Buffer sets reused by inference calls (`xT`, `y` of `run`, lifetime: that call), one per call in flight. */
  private readonly inferScratch = new ScratchPool(INFERENCE_SCRATCH_SETS_KEPT);
  /** Dropout masks for `apply({ training: true })`, where no model hands in a generator. */
  private applyRng: Random | null = null;
  /** The generator `applyRng` is forked from, on first use (a fork at build would catch up on skipped draws). */
  private buildRng: Random | null = null;

  /**
   * `cellKeys` are the options the cell takes (`LSTM_CELL_OPTION_KEYS`, …): with the layer's own they
   * are every key the layer accepts, and only they are handed to `makeCell`.
   */
  protected constructor(
    prefix: string,
    options: RecurrentLayerOptions,
    cellKeys: readonly string[],
    makeCell: (cellOptions: RecurrentLayerOptions & { name: string }) => C,
  ) {
    const allowed = [...new Set([...RECURRENT_LAYER_OPTION_KEYS, ...cellKeys])];
    const name = checkCellOptions(new.target.name, options, allowed, prefix);
    const resolved: ResolvedLayerOptions = resolveLayerOptions(name, options);
    super(name, resolved.inputShape);
    const cellOptions = Object.fromEntries(Object.entries(options).filter(([key]) => cellKeys.includes(key)));
    this.cell = makeCell({ ...(cellOptions as RecurrentLayerOptions), name });
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
    this.buildRng = random;
    this.applyRng = null;
    this.inputShape = [inputShape[0], inputShape[1]];
    this.built = true;
  }

  computeOutputShape(inputShape: SampleShape): SampleShape {
    return this.returnSequences ? [inputShape[0], this.units] : [this.units];
  }

  /** No mask after the last step; a goBackwards sequence comes in processing order, its mask too. */
  override outputMask(mask: Float32Array | null, batch: number, steps: number): Float32Array | null {
    if (!this.returnSequences || mask === null) return null;
    return this.goBackwards ? flipSteps(mask, batch, steps, 1) : mask;
  }

  parameters(): Parameter[] {
    return this.cell.parameters();
  }

  override ready(): Promise<void> {
    return this.cell.ready();
  }

  override countParams(): number {
    return this.cell.parametersAsAllocated().reduce((n, p) => n + p.value.length, 0);
  }

  override stateDict(): Record<string, Tensor> {
    return parametersToStateDict(this.requireBuilt().parameters());
  }

  /** Loads weights under their PyTorch names; nothing is initialised only to be overwritten. */
  override loadStateDict(dict: Record<string, unknown>): void {
    if (!this.built) withoutInitializers(() => this.buildFromStateDict(dict));
    const params = this.cell.parametersAsAllocated();
    loadParameters(this.name, params, dict);
    dropInitialization(params.map((p) => p.value)); // values still coming from a worker are not wanted now
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
    checkOptions(`${this.name}.apply`, options, APPLY_OPTION_KEYS);
    const input = toTensor(x, `${this.name} input`);
    if (!this.built) this.buildFor(input.shape);
    const ctx: RunContext = {
      backend: options.backend ?? getBackend(),
      training: options.training ?? false,
      rng: (this.applyRng ??= this.buildRng?.fork() ?? new Random()),
    };
    return this.forwardWithState(input, options.mask ?? null, ctx, options.initialState);
  }

  async forward(x: Tensor, mask: Float32Array | null, ctx: RunContext): Promise<LayerOutput> {
    const { output, mask: outMask } = await this.forwardWithState(x, mask, ctx);
    return { y: output, mask: outMask };
  }

  override get readsTimeMajor(): boolean {
    return true;
  }

  override async forwardValue(x: LayerValue, mask: Float32Array | null, ctx: RunContext, timeMajorOut: boolean): Promise<LayerValueOutput> {
    if (!this.built) this.buildFor(x.shape);
    // A model's forward pass reads the output only: no states (their buffers need not be new).
    const { output, mask: outMask } = await this.run(x, mask, ctx, null, this.outputForm(timeMajorOut), false);
    return { y: output, mask: outMask };
  }

  /**
   * `forward` with initial states and the final states returned, for wrappers such as
   * `Bidirectional` that run inside a model's context.
   */
  async forwardWithState(x: Tensor, mask: Float32Array | null, ctx: RunContext, initialState?: TensorLike[]): Promise<ApplyResult> {
    const result = await this.forwardSequence(x, mask, ctx, this.outputForm(false), initialState);
    return Object.assign(result, { output: asTensor(result.output) }); // no object rest: see RecurrentCell.forwardBase
  }

  /** This layer's output form: in processing order (flipped with goBackwards, like Keras), time-major or not. */
  outputForm(timeMajor: boolean): SequenceForm {
    return { timeMajor, flipped: this.goBackwards };
  }

  /** The sequence pass on either layout, its output in `form` (see `SequenceForm`). */
  async forwardSequence(
    x: LayerValue,
    mask: Float32Array | null,
    ctx: RunContext,
    form: SequenceForm,
    initialState?: TensorLike[],
  ): Promise<SequenceResult> {
    if (!this.built) this.buildFor(x.shape);
    const initial = initialState ? this.checkInitialState(initialState, x.shape[0]) : null;
    return this.run(x, mask, ctx, initial, form, true);
  }

  /**
   * The sequence pass shared by `forwardSequence` and `forwardValue`, and so by `forward` and
   * `apply`. Without `withStates` the result's `states` is empty.
   */
  protected async run(
    x: LayerValue,
    mask: Float32Array | null,
    ctx: RunContext,
    initial: Float32Array[] | null,
    form: SequenceForm,
    withStates: boolean,
  ): Promise<SequenceResult> {
    await this.cell.ready();
    const { B, T, I } = this.checkInput(x.shape);
    const H = this.units;
    const largest = ctx.training ? workspaceSize(this.cell.kind, { T, B, I, H }) : T * B * Math.max(I, H);
    checkBufferSize(this.name, `a batch of ${B} sequences of ${T} steps`, largest);
    if (mask !== null && mask.length !== B * T) {
      throw new ShapeError(`${this.name} expected a mask [batch, steps] = [${B}, ${T}] (${B * T} values), got ${mask.length} values`);
    }
    const initialStates = initial ?? this.carriedStates(B) ?? this.cell.stateNames.map(() => null); // [B, H] each
    // Inference takes a set no other call in flight holds, and gives it back once its outputs are
    // copied out: side-by-side `predict` calls reuse buffers instead of allocating them. The training
    // set is marked busy until then (nothing below awaits after the kernel), so that an overlapping
    // training call takes a fresh one.
    const buffers = ctx.training ? this.trainingScratch() : this.inferScratch.take();
    buffers.busy = true;
    try {
      // Reused buffers (training: kept in `saved` until this step's backward; inference: this call only):
      //   xT [T, B, I]         the time-major input, after input dropout (unless the input is used as it is)
      //   y [T, B, H]          the kernel's output sequence, unless it is handed on time-major (then a buffer of its own);
      //                        none in inference that returns the last step (the kernel keeps it in scratch)
      //   workspace [wsSize]   training only: what forward saves for backward (gate activations, …)
      // Each is fully overwritten (by the copy or by the kernel) before it is read.
      const inputMask = ctx.training && this.dropout > 0 ? dropoutMask(B * I, this.dropout, ctx.rng) : null; // [B, I]
      // Training keeps x time-major for backward; inference reads it as it comes.
      const input = kernelInput(x, buffers, inputMask, ctx.backend.data, ctx.training); // [T, B, I] or [B, T, I]
      const recurrentMask = ctx.training && this.recurrentDropout > 0 ? dropoutMask(B * H, this.recurrentDropout, ctx.rng) : null; // [B, H]
      const kernelMask = mask ? maskToTimeMajor(mask, B, T) : null; // [T, B]
      const workspace = ctx.training ? buffers.take('workspace', workspaceSize(this.cell.kind, { T, B, I, H })) : null;
      const hOut = !this.returnSequences;
      // Inference of the last step only wants the final states: a kernel given no y writes none
      // (native: the rows of a served batch then skip copying their steps into it).
      const wantsY = !hOut || ctx.training;
      const ownY = handsOnY(this.returnSequences, form);
      const y = !wantsY ? null : ownY ? new Float32Array(T * B * H) : buffers.take('y', T * B * H); // [T, B, H] or null
      // The final states [B, H] each: new buffers where they leave the call (apply's `states`; h as
      // the output of a layer that returns its last step), else reused ones. A fresh buffer costs
      // more than its size suggests, as its pages fault in on first write: at B = 64, H = 128, an
      // LSTM model's predict without its fresh c and its copy of h took 14 fewer page faults a call
      // and 2.26 instead of 2.68 ms (medians, alternating runs, 2-core VM).
      const final = this.cell.stateNames.map((name, k) =>
        withStates || (k === 0 && hOut) ? new Float32Array(B * H) : buffers.take(`final ${name}`, B * H),
      );
      const run = {
        T,
        B,
        y,
        workspace,
        x: input.data,
        batchFirst: input.batchFirst,
        initial: initialStates,
        final,
        mask: kernelMask,
        recurrentMask,
        reverse: this.goBackwards,
      };
      await runForward(ctx.backend, this.cell.forwardCall(run));
      if (this.stateful) this.carried = final.map((s) => s.slice());
      // Only a training pass replaces what backward reads: a `predict` running meanwhile leaves it be.
      // (Training always has y.)
      if (workspace && y) this.saved = { T, B, x: input.data, initial: initialStates, mask: kernelMask, y, workspace, recurrentMask, inputMask, form };
      const states = withStates ? final.map((s) => new Tensor(s, [B, H])) : [];
      // With the states returned, the output is a copy of h: the caller may change either. (y is
      // null only here.)
      if (hOut || y === null) return { output: new Tensor(withStates ? final[0].slice() : final[0], [B, H]), states, mask: null };
      return Object.assign(sequenceOutput(y, { T, B, H }, mask, form), { states });
    } finally {
      buffers.busy = false;
      if (!ctx.training) this.inferScratch.give(buffers);
    }
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
    const dx = await this.backwardValue(dy, ctx, needsInputGradient, false);
    return dx === null ? null : asTensor(dx);
  }

  /** `backward` with `dy` in the form forward handed its output on, and dx time-major when `timeMajorOut`. */
  override async backwardValue(dy: LayerValue, ctx: RunContext, needsInputGradient: boolean, timeMajorOut: boolean): Promise<LayerValue | null> {
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
    const buffers = this.trainingScratch();
    // Gradient buffers, lifetime: this call. dySeq [T, B, H]: dy time-major in the kernel's order
    // (reused scratch, or dy itself). dxT [T, B, I]: the input gradient; a buffer of its own when it
    // is handed on time-major, else reused scratch copied out batch-first.
    const dySeq = this.returnSequences ? kernelOutputGradient(dy, buffers, saved.form.flipped, ctx.backend.data) : null;
    const dxT = needsInputGradient ? (timeMajorOut ? new Float32Array(T * B * I) : buffers.take('dxT', T * B * I)) : null;
    const states = this.cell.stateNames;
    const dhT = this.returnSequences ? null : asTensor(dy).data; // [B, H]
    const call = this.cell.backwardCall({
      T,
      B,
      dx: dxT,
      dInitial: states.map(() => null),
      dy: dySeq,
      dFinal: states.map((_, k) => (k === 0 ? dhT : null)), // [B, H] each
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
    return dxT === null ? null : inputGradient(dxT, B, T, I, saved.inputMask, timeMajorOut);
  }

  /** This layer's reused training buffers, or a fresh set if a training call is in flight on them. */
  private trainingScratch(): ScratchBuffers {
    return this.trainBuffers.busy ? ScratchBuffers.fresh() : this.trainBuffers;
  }

  /** Builds on first use: from `inputShape` when given (the input is then checked against it), else from the input's shape. */
  private buildFor(shape: readonly number[]): void {
    const seed = this.cell.options.seed;
    const rng = seed !== undefined ? new Random(seed) : new Random();
    if (this.inputShape) return this.build(this.inputShape, rng);
    const features = shape.length === 3 ? shape[2] : undefined;
    if (features === undefined || features <= 0) {
      throw new ShapeError(`${this.name} expected input [batch, steps, features], got [${shape.join(', ')}]`);
    }
    this.build([null, features], rng);
  }

  private checkInput(shape: readonly number[]): { B: number; T: number; I: number } {
    const I = this.cell.inputSize!;
    const steps = this.inputShape?.[0] ?? null;
    const [B, T, F] = shape;
    const ok = shape.length === 3 && F === I && (steps === null || T === steps) && B > 0 && T > 0;
    if (!ok) {
      throw new ShapeError(`${this.name} expected input [batch, ${steps ?? 'steps'}, ${I}], got [${shape.join(', ')}]`);
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
