import { getBackend } from '../backend/select';
import { ConfigError, RnnError, ShapeError } from '../errors';
import { dropInitialization } from '../init/background-init';
import { withoutInitializers } from '../init/initializers';
import { Random } from '../random';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import type { Parameter } from '../train/parameter';
import { Layer, type LayerOutput, type LayerValueOutput, type RunContext, type SampleShape } from './layer';
import { uniqueLayerName } from './naming';
import { layerName } from './option-checks';
import { checkChoice, checkSeed, checkOptions, checkRequiredOptions, optionError, optionKeys } from '../options';
import { checkInputShape } from './recurrent-options';
import { type ApplyOptions, type ApplyResult, RecurrentLayer, type SequenceResult } from './recurrent-layer';
import { APPLY_OPTION_KEYS } from './recurrent-apply';
import { parametersToStateDict } from './parameter-dict';
import { entryShape, loadParameters } from './recurrent-state-dict';
import { maskToTimeMajor, zeroMaskedSteps } from './sequence-layout';
import { asTensor, asTimeMajor, type LayerValue, TimeMajor } from './time-major';

/** How the two directions' outputs are combined. */
export type MergeMode = 'concat' | 'sum' | 'ave' | 'mul';

/** Every merge mode, for validation and error messages. */
export const MERGE_MODES: readonly MergeMode[] = ['concat', 'sum', 'ave', 'mul'];

/** Options of `Bidirectional`. */
export interface BidirectionalOptions {
  /** The recurrent layer to run in both directions (it is cloned twice, like Keras). */
  layer: RecurrentLayer;
  /** Default `concat` (PyTorch's bidirectional output). */
  mergeMode?: MergeMode;
  /** Shape of one sample, `[steps | null, features]`, for a first layer. */
  inputShape?: readonly [number | null, number];
  /** Layer name; defaults to `bidirectional_N`. */
  name?: string;
  /** Seed of both directions' initialisation. */
  seed?: number;
}

const BIDIRECTIONAL_OPTION_KEYS = optionKeys<BidirectionalOptions>({ layer: true, mergeMode: true, inputShape: true, name: true, seed: true });

/**
 * Runs a recurrent layer forwards and a copy backwards over the same input and merges the two
 * (Keras `Bidirectional`). With returnSequences the backward outputs are re-aligned to input time
 * order. The state dict uses PyTorch's names: `weight_ih_l0`, …, `weight_ih_l0_reverse`, ….
 */
export class Bidirectional extends Layer {
  /** The forward direction. */
  readonly forwardLayer: RecurrentLayer;
  /** The backward direction (`goBackwards` flipped). */
  readonly backwardLayer: RecurrentLayer;
  /** How the two directions' outputs are combined. */
  readonly mergeMode: MergeMode;
  /** Follows the wrapped layer: the whole sequence, or the last output of each direction. */
  readonly returnSequences: boolean;
  /** Seed of both directions' initialisation, if given. */
  readonly seed: number | undefined;
  /** Backward's parameters under their `_reverse` names (same buffers). */
  private reverseParams: Parameter[] = [];
  /**
   * Each direction's output of the last training forward (`[T, B, H]` time-major, both at the
   * input's time index; `[B, H]` without returnSequences), kept for `mul`'s gradient.
   */
  private savedOutputs: [Float32Array, Float32Array] | null = null;
  /** Batch and steps of the last training forward. */
  private savedDims: { B: number; T: number } | null = null;
  /** `[T, B]` mask whose padded steps the last training forward zeroed, or null. */
  private savedMask: Float32Array | null = null;
  private applyRng: Random | null = null;

  constructor(options: BidirectionalOptions) {
    // Keras and PyTorch habit: the layer itself as the argument.
    if (options instanceof Layer) {
      throw new ConfigError(`Bidirectional expected options { layer: … }, got the layer ${options.name} itself; write new Bidirectional({ layer: … })`);
    }
    checkRequiredOptions('Bidirectional', options, BIDIRECTIONAL_OPTION_KEYS, '{ layer: new LSTM({ units: 32 }) }');
    const name = layerName('Bidirectional', options.name, () => uniqueLayerName('bidirectional'));
    if (!(options.layer instanceof RecurrentLayer)) optionError(name, 'layer', 'a SimpleRNN, LSTM or GRU layer', options.layer);
    // undefined takes the default; null is Keras's merge_mode=None (both outputs apart), which @rnn has not.
    const mergeMode = checkChoice(name, 'mergeMode', options.mergeMode === undefined ? 'concat' : options.mergeMode, MERGE_MODES);
    if (options.seed !== undefined) checkSeed(name, options.seed);
    const inner = options.layer;
    if (inner.stateful) throw new ConfigError(`${name}: a stateful layer cannot be wrapped in Bidirectional`);
    super(name, checkInputShape(name, options.inputShape) ?? inner.inputShape);
    // Both copies draw from the wrapper's generator, so a seed on the wrapped layer must not make
    // the two directions identical.
    const base = { seed: undefined, inputShape: undefined };
    this.forwardLayer = inner.cloneWith({ ...base, name: `forward_${inner.name}` });
    this.backwardLayer = inner.cloneWith({ ...base, name: `backward_${inner.name}`, goBackwards: !inner.goBackwards });
    this.mergeMode = mergeMode;
    this.returnSequences = inner.returnSequences;
    this.seed = options.seed ?? inner.cell.options.seed;
  }

  get className(): string {
    return 'Bidirectional';
  }

  build(inputShape: SampleShape, rng: Random): void {
    const random = this.seed !== undefined ? new Random(this.seed) : rng;
    this.forwardLayer.build(inputShape, random.fork());
    this.backwardLayer.build(inputShape, random.fork());
    this.applyRng = random.fork();
    this.reverseParams = this.backwardLayer.cell.parametersAsAllocated().map((p) => ({ ...p, name: `${p.name}_reverse` }));
    this.inputShape = [...inputShape];
    this.built = true;
  }

  computeOutputShape(inputShape: SampleShape): SampleShape {
    const units = this.mergeMode === 'concat' ? 2 * this.forwardLayer.units : this.forwardLayer.units;
    return this.returnSequences ? [inputShape[0], units] : [units];
  }

  /** Both directions come back in input order, so the mask stays as it came (none after the last step). */
  override outputMask(mask: Float32Array | null): Float32Array | null {
    return this.returnSequences ? mask : null;
  }

  /** Forward direction's weights, then the backward direction's (`*_reverse`). */
  parameters(): Parameter[] {
    this.backwardLayer.parameters(); // waits for values still being initialised, as the forward side does
    return [...this.forwardLayer.parameters(), ...this.reverseParams];
  }

  override async ready(): Promise<void> {
    await this.forwardLayer.ready();
    await this.backwardLayer.ready();
  }

  override countParams(): number {
    return this.forwardLayer.countParams() + this.backwardLayer.countParams();
  }

  override stateDict(): Record<string, Tensor> {
    this.requireBuilt();
    return { ...parametersToStateDict(this.forwardLayer.parameters()), ...parametersToStateDict(this.reverseParams) };
  }

  override loadStateDict(dict: Record<string, unknown>): void {
    if (!this.built) {
      const w = entryShape(dict?.weight_ih_l0);
      const features = this.inputShape?.[1] ?? (w?.length === 2 ? w[1] : null);
      if (!features) {
        throw new ConfigError(
          `${this.name} is not built and has no inputShape; loadStateDict needs 'weight_ih_l0' [${this.forwardLayer.cell.gates * this.forwardLayer.units}, features] to build it`,
        );
      }
      withoutInitializers(() => this.build([this.inputShape?.[0] ?? null, features], new Random()));
    }
    const params = [...this.forwardLayer.cell.parametersAsAllocated(), ...this.reverseParams];
    loadParameters(this.name, params, dict);
    dropInitialization(params.map((p) => p.value)); // values still coming from a worker are not wanted now
  }

  /** Clears both directions' stateful carries (kept for API symmetry; Bidirectional is never stateful). */
  resetStates(): void {
    this.forwardLayer.resetStates();
    this.backwardLayer.resetStates();
  }

  getConfig(): Record<string, unknown> {
    const { name: _n, ...layerConfig } = this.forwardLayer.getConfig();
    const inner = { className: this.forwardLayer.className, config: layerConfig };
    const config: Record<string, unknown> = { name: this.name, layer: inner, mergeMode: this.mergeMode };
    config.inputShape = this.inputShape ? [...this.inputShape] : null;
    if (this.seed !== undefined) config.seed = this.seed;
    return config;
  }

  /**
   * Runs both directions; `states` are the forward direction's states then the backward's (Keras).
   * `initialState` likewise: the forward states, then the backward states.
   */
  async apply(x: TensorLike, options: ApplyOptions = {}): Promise<ApplyResult> {
    checkOptions(`${this.name}.apply`, options, APPLY_OPTION_KEYS);
    const input = toTensor(x, `${this.name} input`);
    if (!this.built) this.buildFor(input.shape);
    const ctx: RunContext = {
      backend: options.backend ?? getBackend(),
      training: options.training ?? false,
      rng: this.applyRng ?? new Random(),
    };
    const half = this.forwardLayer.cell.stateNames.length;
    const init = options.initialState;
    if (init !== undefined && (!Array.isArray(init) || init.length !== 2 * half)) {
      throw new ShapeError(`${this.name} expected initialState of ${2 * half} tensors (forward then backward), got ${Array.isArray(init) ? init.length : typeof init}`);
    }
    const result = await this.run(input, options.mask ?? null, ctx, init ? [init.slice(0, half), init.slice(half)] : [undefined, undefined], false);
    return Object.assign(result, { output: asTensor(result.output) });
  }

  async forward(x: Tensor, mask: Float32Array | null, ctx: RunContext): Promise<LayerOutput> {
    const { y, mask: outMask } = await this.forwardValue(x, mask, ctx, false);
    return { y: asTensor(y), mask: outMask };
  }

  override get readsTimeMajor(): boolean {
    return true;
  }

  override async forwardValue(x: LayerValue, mask: Float32Array | null, ctx: RunContext, timeMajorOut: boolean): Promise<LayerValueOutput> {
    if (!this.built) this.buildFor(x.shape);
    const { output, mask: outMask } = await this.run(x, mask, ctx, [undefined, undefined], timeMajorOut);
    return { y: output, mask: outMask };
  }

  /**
   * Both directions read the input time-major (one transpose, or none when it comes so) and give
   * their sequences time-major, so with a forward layer that goes forwards nothing is flipped;
   * the merged sequence goes out time-major or batch-first as `timeMajorOut` says.
   */
  private async run(
    x: LayerValue,
    mask: Float32Array | null,
    ctx: RunContext,
    init: [TensorLike[] | undefined, TensorLike[] | undefined],
    timeMajorOut: boolean,
  ): Promise<SequenceResult> {
    const [steps, features] = this.inputShape ?? [null, null];
    const [B, T, F] = x.shape;
    if (x.shape.length !== 3 || F !== features || (steps !== null && T !== steps)) {
      throw new ShapeError(`${this.name} expected input [batch, ${steps ?? 'steps'}, ${features}], got [${x.shape.join(', ')}]`);
    }
    // Both directions only read it (input dropout copies): inference hands them x as it comes (the
    // kernels read it batch-first), training time-major once for both (backward reads it so).
    const xT = ctx.training ? asTimeMajor(x, ctx.backend.data) : x;
    // Keras merges the forward direction's output in its processing order and the backward
    // direction's flipped from its own: with the usual forward layer, both at the input's time index.
    const fw = await this.forwardLayer.forwardSequence(xT, mask, ctx, this.forwardLayer.outputForm(true), init[0]);
    const bw = await this.backwardLayer.forwardSequence(xT, mask, ctx, { timeMajor: true, flipped: !this.backwardLayer.goBackwards }, init[1]);
    const [a, b] = [fw.output.data, bw.output.data]; // [T, B, H] time-major, or [B, H]
    const H = this.forwardLayer.units;
    const merged = merge(this.mergeMode, a, b, H); // [T, B, O] or [B, O]
    const O = merged.length / (a.length / H);
    // Keras's Bidirectional sets zero_output_for_mask on both directions: padded steps output zeros.
    const zeroed = this.returnSequences && mask ? maskToTimeMajor(mask, B, T) : null; // [T, B]
    if (zeroed) zeroMaskedSteps(merged, zeroed, O);
    if (ctx.training) {
      // Only a training pass replaces what backward reads: a `predict` running meanwhile leaves it be.
      this.savedOutputs = [a, b];
      this.savedDims = { B, T };
      this.savedMask = zeroed;
    }
    const states = [...fw.states, ...bw.states];
    if (!this.returnSequences) return { output: new Tensor(merged, [B, O]), states, mask: null };
    const sequence = new TimeMajor(merged, B, T, O);
    return { output: timeMajorOut ? sequence : sequence.toTensor(), states, mask };
  }

  /** Back-propagates through both directions; returns the sum of their input gradients (or `null`, see `Layer.backward`). */
  async backward(dy: Tensor, ctx: RunContext): Promise<Tensor>;
  async backward(dy: Tensor, ctx: RunContext, needsInputGradient: boolean): Promise<Tensor | null>;
  async backward(dy: Tensor, ctx: RunContext, needsInputGradient = true): Promise<Tensor | null> {
    const dx = await this.backwardValue(dy, ctx, needsInputGradient, false);
    return dx === null ? null : asTensor(dx);
  }

  override async backwardValue(dy: LayerValue, ctx: RunContext, needsInputGradient: boolean, timeMajorOut: boolean): Promise<LayerValue | null> {
    if (!this.savedOutputs || !this.savedDims) {
      throw new RnnError(`${this.name}.backward needs a training forward first (forward with ctx.training = true)`);
    }
    const [fwOut, bwOut] = this.savedOutputs;
    const { B, T } = this.savedDims;
    const zeroed = this.savedMask;
    this.savedOutputs = null;
    this.savedDims = null;
    this.savedMask = null;
    const H = this.forwardLayer.units;
    const O = this.mergeMode === 'concat' ? 2 * H : H;
    const want = this.returnSequences ? [B, T, O] : [B, O];
    if (dy.shape.length !== want.length || dy.shape.some((d, i) => d !== want[i])) {
      throw new ShapeError(`${this.name}.backward expected dy [${want.join(', ')}], got [${dy.shape.join(', ')}]`);
    }
    // dy time-major for sequences (a copy of our own where padded steps are zeroed: they are constants).
    let dMerged = this.returnSequences ? asTimeMajor(dy).data : asTensor(dy).data; // [T, B, O] or [B, O]
    if (zeroed) {
      if (dy instanceof TimeMajor) dMerged = dMerged.slice();
      zeroMaskedSteps(dMerged, zeroed, O);
    }
    const [dFw, dBw] = splitGradient(this.mergeMode, dMerged, fwOut, bwOut, H).map((d): LayerValue =>
      this.returnSequences ? new TimeMajor(d, B, T, H) : new Tensor(d, [B, H]),
    );
    const dxF = await this.forwardLayer.backwardValue(dFw, ctx, needsInputGradient, true);
    const dxB = await this.backwardLayer.backwardValue(dBw, ctx, needsInputGradient, true);
    if (dxF === null || dxB === null) return null;
    const sum = asTimeMajor(dxF); // [T, B, I], a buffer of its own
    const other = asTimeMajor(dxB).data;
    for (let i = 0; i < sum.data.length; i++) sum.data[i] += other[i];
    return timeMajorOut ? sum : sum.toTensor();
  }

  /** Builds on first use: from `inputShape` when given, else from the input's shape. */
  private buildFor(shape: readonly number[]): void {
    const rng = this.seed !== undefined ? new Random(this.seed) : new Random();
    if (this.inputShape) return this.build(this.inputShape, rng);
    if (shape.length !== 3 || shape[2] <= 0) {
      throw new ShapeError(`${this.name} expected input [batch, steps, features], got [${shape.join(', ')}]`);
    }
    this.build([null, shape[2]], rng);
  }

  private requireBuilt(): void {
    if (!this.built) throw new ConfigError(`${this.name} is not built yet: give it an inputShape, run it once or load weights`);
  }
}

/**
 * Combines the two directions' outputs (same layout, rows of H values) into rows of 2H (concat)
 * or H (elementwise); a new buffer.
 */
function merge(mode: MergeMode, a: Float32Array, b: Float32Array, H: number): Float32Array {
  if (mode !== 'concat') {
    const out = new Float32Array(a.length);
    for (let i = 0; i < out.length; i++) {
      const u = a[i];
      const v = b[i];
      out[i] = mode === 'sum' ? u + v : mode === 'ave' ? (u + v) / 2 : u * v;
    }
    return out;
  }
  const rows = a.length / H;
  const out = new Float32Array(2 * a.length); // rows of 2H
  for (let r = 0; r < rows; r++) {
    out.set(a.subarray(r * H, (r + 1) * H), r * 2 * H);
    out.set(b.subarray(r * H, (r + 1) * H), r * 2 * H + H);
  }
  return out;
}

/** The gradient of `merge` w.r.t. each direction's output (rows of H), from `dy` in the same layout. */
function splitGradient(mode: MergeMode, dy: Float32Array, a: Float32Array, b: Float32Array, H: number): [Float32Array, Float32Array] {
  const da = new Float32Array(a.length);
  const db = new Float32Array(a.length);
  if (mode === 'concat') {
    for (let r = 0; r < a.length / H; r++) {
      da.set(dy.subarray(r * 2 * H, r * 2 * H + H), r * H);
      db.set(dy.subarray(r * 2 * H + H, (r + 1) * 2 * H), r * H);
    }
  } else {
    for (let i = 0; i < da.length; i++) {
      const g = dy[i];
      da[i] = mode === 'sum' ? g : mode === 'ave' ? g / 2 : g * b[i];
      db[i] = mode === 'sum' ? g : mode === 'ave' ? g / 2 : g * a[i];
    }
  }
  return [da, db];
}
