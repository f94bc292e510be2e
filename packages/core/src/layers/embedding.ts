import { ConfigError, DataError, ShapeError } from '../errors';
import { checkInitializerName, initialize, type InitializerName } from '../init/initializers';
import type { Random } from '../random';
import { Tensor } from '../tensor';
import type { Parameter } from '../train/parameter';
import { Layer, type LayerOutput, type RunContext, type SampleShape } from './layer';
import { uniqueLayerName } from './naming';
import { checkBoolean, checkRequiredOptions, optionError, optionKeys } from '../options';
import { checkBufferSize, checkWeightSize } from '../buffer-limits';
import { describeSamplePosition } from '../sample-position';
import { checkSize, layerName, optionalInputShape } from './option-checks';
import { createParameter } from './parameter-dict';

/** Options of an `Embedding` layer (Keras names). */
export interface EmbeddingOptions {
  /** Vocabulary size: ids are integers in [0, inputDim). */
  inputDim: number;
  /** Size of each embedding vector. */
  outputDim: number;
  /** Treat id 0 as padding: the layer emits a step mask `id != 0` for the layers after it. Default false. */
  maskZero?: boolean;
  /** Initialiser of `weight`; default `'randomUniform'` (Keras: uniform in [−0.05, 0.05]). */
  embeddingsInitializer?: InitializerName;
  /** Shape of one sample without the batch axis, usually `[steps]` (`null` = any length). */
  inputShape?: (number | null)[];
  /** Layer name; default `embedding_<n>`. */
  name?: string;
}

/** The largest vocabulary: ids travel as float32 values, exact for whole numbers up to 2^24. */
export const MAX_EMBEDDING_ROWS = 2 ** 24;

const EMBEDDING_OPTION_KEYS = optionKeys<EmbeddingOptions>({
  inputDim: true,
  outputDim: true,
  maskZero: true,
  embeddingsInitializer: true,
  inputShape: true,
  name: true,
});

/**
 * A lookup table from integer ids to vectors: `[batch, steps]` ids → `[batch, steps, outputDim]`.
 * `weight [inputDim, outputDim]` is laid out like `torch.nn.Embedding`. Ids are not differentiable,
 * so backward only scatters `dy` into the rows that were looked up and returns `null`.
 */
export class Embedding extends Layer {
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  readonly embeddingsInitializer: InitializerName;
  private weight: Parameter | null = null;
  /** The ids of the last training forward, as row indices into `weight`. */
  private cachedIds: Int32Array | null = null;

  constructor(options: EmbeddingOptions) {
    checkRequiredOptions('Embedding', options, EMBEDDING_OPTION_KEYS, '{ inputDim: 1000, outputDim: 64 }');
    const name = layerName('Embedding', options.name, () => uniqueLayerName('embedding'));
    super(name, optionalInputShape(name, options.inputShape));
    this.inputDim = checkInputDim(name, options.inputDim);
    this.outputDim = checkSize(name, 'outputDim', options.outputDim);
    checkWeightSize(name, 'weight', [this.inputDim, this.outputDim]);
    this.maskZero = checkBoolean(name, 'maskZero', options.maskZero, false);
    this.embeddingsInitializer = checkInitializerName(options.embeddingsInitializer ?? 'randomUniform', name, 'embeddingsInitializer');
  }

  override get className(): string {
    return 'Embedding';
  }

  override build(inputShape: SampleShape, rng: Random): void {
    const shape = [this.inputDim, this.outputDim];
    this.weight = createParameter('weight', shape, initialize(this.embeddingsInitializer, shape, this.inputDim, this.outputDim, rng));
    this.inputShape = inputShape;
    this.built = true;
  }

  override computeOutputShape(inputShape: SampleShape): SampleShape {
    return [...inputShape, this.outputDim];
  }

  override async forward(x: Tensor, _mask: Float32Array | null, ctx: RunContext): Promise<LayerOutput> {
    const weight = this.requireBuilt();
    if (x.rank < 1) throw new ShapeError(`${this.name} expected ids [batch, steps], got a scalar`);
    const ids = this.toRowIndices(x); // [batch·steps]
    const dim = this.outputDim;
    checkBufferSize(this.name, `the output [${[...x.shape, dim].join(', ')}]`, ids.length * dim);
    const y = new Float32Array(ids.length * dim); // [batch, steps, outputDim]
    for (let k = 0; k < ids.length; k++) y.set(weight.value.subarray(ids[k] * dim, (ids[k] + 1) * dim), k * dim);
    const mask = this.stepMask(x); // [batch, steps]
    if (ctx.training) this.cachedIds = ids; // inference leaves a training pass's ids be
    return { y: new Tensor(y, [...x.shape, dim]), mask };
  }

  override async backward(dy: Tensor, _ctx: RunContext): Promise<Tensor | null> {
    const weight = this.requireBuilt();
    const ids = this.cachedIds;
    if (!ids) throw new ShapeError(`${this.name}: backward called without a training forward before it`);
    const dim = this.outputDim;
    if (dy.size !== ids.length * dim) {
      throw new ShapeError(`${this.name}: backward expected dy of ${ids.length * dim} values ([…, ${dim}]), got [${dy.shape.join(', ')}]`);
    }
    const grad = weight.grad; // [inputDim, outputDim]
    for (let k = 0; k < ids.length; k++) {
      const row = ids[k] * dim;
      for (let j = 0; j < dim; j++) grad[row + j] += dy.data[k * dim + j];
    }
    return null;
  }

  override parameters(): Parameter[] {
    return this.weight ? [this.weight] : [];
  }

  override getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      maskZero: this.maskZero,
      embeddingsInitializer: this.embeddingsInitializer,
      ...(this.inputShape ? { inputShape: [...this.inputShape] } : {}),
    };
  }

  /** With `maskZero`, the step mask its output carries for ids `x`: 1 where the id is not 0 (same shape as `x`). */
  stepMask(x: Tensor): Float32Array | null {
    if (!this.maskZero) return null;
    const mask = new Float32Array(x.size); // [batch, steps]
    for (let k = 0; k < x.size; k++) mask[k] = x.data[k] !== 0 ? 1 : 0;
    return mask;
  }

  /**
   * Checks every id of a whole data set before a model trains or predicts on it: a `DataError`
   * naming the sample (and step) of the first id that is not an integer in [0, inputDim).
   */
  override checkData(x: Tensor, name: string): void {
    const k = this.firstBadId(x);
    if (k >= 0) {
      throw new DataError(`${name} holds ${x.data[k]} at ${describeSamplePosition(k, x.shape)}, but ${this.name} takes integer ids in [0, ${this.inputDim})`);
    }
  }

  /** Checks every id is an integer in [0, inputDim) and returns them as row indices. */
  private toRowIndices(x: Tensor): Int32Array {
    const k = this.firstBadId(x);
    if (k >= 0) {
      throw new DataError(`${this.name} expected integer ids in [0, ${this.inputDim}), got ${x.data[k]} at ${formatIndex(k, x.shape)}`);
    }
    return Int32Array.from(x.data);
  }

  /** Flat index of the first id that is not an integer in [0, inputDim), or −1. */
  private firstBadId(x: Tensor): number {
    const data = x.data;
    for (let k = 0; k < data.length; k++) {
      const id = data[k];
      if (!Number.isInteger(id) || id < 0 || id >= this.inputDim) return k;
    }
    return -1;
  }

  private requireBuilt(): Parameter {
    if (!this.weight) throw new ConfigError(`${this.name} is not built: call build(inputShape, rng) first`);
    return this.weight;
  }
}

/**
 * `inputDim`: ids reach the layer as float32 values, which hold whole numbers exactly only up to
 * 2^24, so a larger vocabulary would look rows up by rounded ids.
 */
function checkInputDim(owner: string, value: unknown): number {
  const dim = checkSize(owner, 'inputDim', value);
  if (dim > MAX_EMBEDDING_ROWS) {
    optionError(owner, 'inputDim', 'at most 2^24 = 16777216 (ids travel as float32 values, which hold whole numbers exactly only up to 2^24)', value);
  }
  return dim;
}

/** The multi-index of flat position `k` in `shape`, e.g. `[3, 7]`. */
function formatIndex(k: number, shape: readonly number[]): string {
  const index: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(k % shape[d]);
    k = Math.floor(k / shape[d]);
  }
  return `[${index.join(', ')}]`;
}
