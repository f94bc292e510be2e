import { getBackend } from '../backend/select';
import { ConfigError, RnnError, ShapeError } from '../errors';
import { Random } from '../random';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import type { Parameter } from '../train/parameter';
import { Layer, type LayerOutput, type RunContext, type SampleShape } from './layer';
import { uniqueLayerName } from './naming';
import { checkInputShape } from './recurrent-options';
import { type ApplyOptions, type ApplyResult, RecurrentLayer } from './recurrent-layer';
import { parametersToStateDict } from './parameter-dict';
import { entryShape, loadParameters } from './recurrent-state-dict';
import { flipSteps, zeroMaskedSteps } from './sequence-layout';

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
  /** Each direction's output of the last training forward, kept for `mul`'s gradient. */
  private savedOutputs: [Tensor, Tensor] | null = null;
  /** `[B, T]` mask whose padded steps the last training forward zeroed, or null. */
  private savedMask: Float32Array | null = null;
  private applyRng: Random | null = null;

  constructor(options: BidirectionalOptions) {
    const name = options?.name ?? uniqueLayerName('bidirectional');
    if (!(options?.layer instanceof RecurrentLayer)) {
      throw new ConfigError(`${name}: layer must be a SimpleRNN, LSTM or GRU layer, got ${String(options?.layer)}`);
    }
    const mergeMode = options.mergeMode ?? 'concat';
    if (!MERGE_MODES.includes(mergeMode)) {
      throw new ConfigError(`${name}: mergeMode must be one of ${MERGE_MODES.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(mergeMode)}`);
    }
    if (options.seed !== undefined && !Number.isInteger(options.seed)) {
      throw new ConfigError(`${name}: seed must be an integer, got ${JSON.stringify(options.seed)}`);
    }
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
    this.reverseParams = this.backwardLayer.parameters().map((p) => ({ ...p, name: `${p.name}_reverse` }));
    this.inputShape = [...inputShape];
    this.built = true;
  }

  computeOutputShape(inputShape: SampleShape): SampleShape {
    const units = this.mergeMode === 'concat' ? 2 * this.forwardLayer.units : this.forwardLayer.units;
    return this.returnSequences ? [inputShape[0], units] : [units];
  }

  /** Forward direction's weights, then the backward direction's (`*_reverse`). */
  parameters(): Parameter[] {
    return [...this.forwardLayer.parameters(), ...this.reverseParams];
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
      this.build([this.inputShape?.[0] ?? null, features], new Random());
    }
    loadParameters(this.name, this.parameters(), dict);
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
    const input = toTensor(x, `${this.name} input`);
    if (!this.built) this.buildFor(input);
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
    return this.run(input, options.mask ?? null, ctx, init ? [init.slice(0, half), init.slice(half)] : [undefined, undefined]);
  }

  async forward(x: Tensor, mask: Float32Array | null, ctx: RunContext): Promise<LayerOutput> {
    if (!this.built) this.buildFor(x);
    const { output, mask: outMask } = await this.run(x, mask, ctx, [undefined, undefined]);
    return { y: output, mask: outMask };
  }

  private async run(x: Tensor, mask: Float32Array | null, ctx: RunContext, init: [TensorLike[] | undefined, TensorLike[] | undefined]): Promise<ApplyResult> {
    const [steps, features] = this.inputShape ?? [null, null];
    if (x.rank !== 3 || x.shape[2] !== features || (steps !== null && x.shape[1] !== steps)) {
      throw new ShapeError(`${this.name} expected input [batch, ${steps ?? 'steps'}, ${features}], got [${x.shape.join(', ')}]`);
    }
    const fw = await this.forwardLayer.forwardWithState(x, mask, ctx, init[0]);
    const bw = await this.backwardLayer.forwardWithState(x, mask, ctx, init[1]);
    const backOut = this.returnSequences ? this.realign(bw.output) : bw.output;
    this.savedOutputs = ctx.training ? [fw.output, backOut] : null;
    const output = merge(this.mergeMode, fw.output, backOut);
    // Keras's Bidirectional sets zero_output_for_mask on both directions: padded steps output zeros.
    const zeroed = this.returnSequences ? mask : null;
    if (zeroed) zeroMaskedSteps(output.data, zeroed, output.shape[2]);
    this.savedMask = ctx.training ? zeroed : null;
    return { output, states: [...fw.states, ...bw.states], mask: this.returnSequences ? mask : null };
  }

  /** Back-propagates through both directions; returns the sum of their input gradients (or `null`, see `Layer.backward`). */
  async backward(dy: Tensor, ctx: RunContext): Promise<Tensor>;
  async backward(dy: Tensor, ctx: RunContext, needsInputGradient: boolean): Promise<Tensor | null>;
  async backward(dy: Tensor, ctx: RunContext, needsInputGradient = true): Promise<Tensor | null> {
    if (!this.savedOutputs) {
      throw new RnnError(`${this.name}.backward needs a training forward first (forward with ctx.training = true)`);
    }
    const [fwOut, bwOut] = this.savedOutputs;
    const zeroed = this.savedMask;
    this.savedOutputs = null;
    this.savedMask = null;
    let dMerged = dy;
    if (zeroed && dy.rank === 3) {
      dMerged = new Tensor(dy.data.slice(), dy.shape); // [B, T, O]; padded outputs are constants
      zeroMaskedSteps(dMerged.data, zeroed, dy.shape[2]);
    }
    const [dFw, dBwAligned] = splitGradient(this.mergeMode, dMerged, fwOut, bwOut, this.name);
    const dBw = this.returnSequences ? this.realign(dBwAligned) : dBwAligned;
    const dxF = await this.forwardLayer.backward(dFw, ctx, needsInputGradient);
    const dxB = await this.backwardLayer.backward(dBw, ctx, needsInputGradient);
    if (dxF === null || dxB === null) return null;
    for (let i = 0; i < dxF.data.length; i++) dxF.data[i] += dxB.data[i];
    return dxF;
  }

  /** Flips a `[B, T, H]` sequence in time (the backward copy's output ↔ input time order). */
  private realign(t: Tensor): Tensor {
    const [B, T, H] = t.shape;
    return new Tensor(flipSteps(t.data, B, T, H), t.shape);
  }

  /** Builds on first use: from `inputShape` when given, else from `x`. */
  private buildFor(x: Tensor): void {
    const rng = this.seed !== undefined ? new Random(this.seed) : new Random();
    if (this.inputShape) return this.build(this.inputShape, rng);
    if (x.rank !== 3 || x.shape[2] <= 0) {
      throw new ShapeError(`${this.name} expected input [batch, steps, features], got [${x.shape.join(', ')}]`);
    }
    this.build([null, x.shape[2]], rng);
  }

  private requireBuilt(): void {
    if (!this.built) throw new ConfigError(`${this.name} is not built yet: give it an inputShape, run it once or load weights`);
  }
}

/** Combines the two directions' outputs (same shape) along the last axis (concat) or elementwise. */
function merge(mode: MergeMode, a: Tensor, b: Tensor): Tensor {
  if (mode !== 'concat') {
    const out = new Float32Array(a.data.length);
    for (let i = 0; i < out.length; i++) {
      const u = a.data[i];
      const v = b.data[i];
      out[i] = mode === 'sum' ? u + v : mode === 'ave' ? (u + v) / 2 : u * v;
    }
    return new Tensor(out, a.shape);
  }
  const H = a.shape[a.rank - 1];
  const rows = a.data.length / H;
  const out = new Float32Array(2 * a.data.length); // [..., 2H]
  for (let r = 0; r < rows; r++) {
    out.set(a.data.subarray(r * H, (r + 1) * H), r * 2 * H);
    out.set(b.data.subarray(r * H, (r + 1) * H), r * 2 * H + H);
  }
  return new Tensor(out, [...a.shape.slice(0, -1), 2 * H]);
}

/** The gradient of `merge` w.r.t. each direction's output. */
function splitGradient(mode: MergeMode, dy: Tensor, a: Tensor, b: Tensor, owner: string): [Tensor, Tensor] {
  const H = a.shape[a.rank - 1];
  const want = mode === 'concat' ? [...a.shape.slice(0, -1), 2 * H] : [...a.shape];
  if (dy.rank !== want.length || dy.shape.some((d, i) => d !== want[i])) {
    throw new ShapeError(`${owner}.backward expected dy [${want.join(', ')}], got [${dy.shape.join(', ')}]`);
  }
  const da = new Float32Array(a.data.length);
  const db = new Float32Array(a.data.length);
  if (mode === 'concat') {
    for (let r = 0; r < a.data.length / H; r++) {
      da.set(dy.data.subarray(r * 2 * H, r * 2 * H + H), r * H);
      db.set(dy.data.subarray(r * 2 * H + H, (r + 1) * 2 * H), r * H);
    }
  } else {
    for (let i = 0; i < da.length; i++) {
      const g = dy.data[i];
      da[i] = mode === 'sum' ? g : mode === 'ave' ? g / 2 : g * b.data[i];
      db[i] = mode === 'sum' ? g : mode === 'ave' ? g / 2 : g * a.data[i];
    }
  }
  return [new Tensor(da, a.shape), new Tensor(db, a.shape)];
}
