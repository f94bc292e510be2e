import { ConfigError, ShapeError } from '../errors';
import { checkBufferSize, checkWeightSize } from '../buffer-limits';
import { checkInitializerName, initialize, type InitializerName } from '../init/initializers';
import type { Random } from '../random';
import { Tensor } from '../tensor';
import type { Parameter } from '../train/parameter';
import { getActivation, type Activation, type DenseActivationAlias, type DenseActivationName } from './activations';
import { Layer, type LayerOutput, type RunContext, type SampleShape } from './layer';
import { uniqueLayerName } from './naming';
import { checkBoolean, checkRequiredOptions, optionKeys } from '../options';
import { checkSize, formatBatchShape, layerName, optionalInputShape } from './option-checks';
import { createParameter } from './parameter-dict';
import { ScratchBuffers } from './scratch-buffers';

/** Options of a `Dense` layer (Keras names). */
export interface DenseOptions {
  /** Output features. */
  units: number;
  /** Activation by Keras name (see `DENSE_ACTIVATION_NAMES`); default `'linear'`. */
  activation?: DenseActivationName | DenseActivationAlias;
  /** Add a bias; default true. */
  useBias?: boolean;
  /** Initialiser of `weight`; default `'glorotUniform'`. */
  kernelInitializer?: InitializerName;
  /** Initialiser of `bias`; default `'zeros'`. */
  biasInitializer?: InitializerName;
  /** Shape of one sample without the batch axis, e.g. `[features]` or `[steps, features]`. */
  inputShape?: (number | null)[];
  /** Layer name; default `dense_<n>`. */
  name?: string;
}

const DENSE_OPTION_KEYS = optionKeys<DenseOptions>({
  units: true,
  activation: true,
  useBias: true,
  kernelInitializer: true,
  biasInitializer: true,
  inputShape: true,
  name: true,
});

/** What a training forward keeps for backward. */
interface DenseCache {
  /** [rows, in] the input, rows = every axis but the last. */
  x: Float32Array;
  /** [rows, out] pre-activation. */
  z: Float32Array;
  /** [rows, out] output. */
  y: Float32Array;
  rows: number;
}

/**
 * A fully connected layer: `y = activation(x · Wᵀ + b)` with PyTorch's layout (`weight [out, in]`,
 * `bias [out]`). On `[batch, steps, features]` it applies to every step, like Keras (which needs
 * no `TimeDistributed` for Dense), and passes the step mask through.
 */
export class Dense extends Layer {
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerName;
  readonly biasInitializer: InitializerName;
  private weight: Parameter | null = null;
  private bias: Parameter | null = null;
  private cache: DenseCache | null = null;
  /** Reused gradient scratch: `dz [rows, out]`, lifetime: one `backward` call. */
  private readonly gradBuffers = new ScratchBuffers();

  constructor(options: DenseOptions) {
    checkRequiredOptions('Dense', options, DENSE_OPTION_KEYS, '{ units: 32 }');
    const name = layerName('Dense', options.name, () => uniqueLayerName('dense'));
    super(name, optionalInputShape(name, options.inputShape));
    this.units = checkSize(name, 'units', options.units);
    this.activation = getActivation(options.activation ?? 'linear', name, 'activation');
    this.useBias = checkBoolean(name, 'useBias', options.useBias, true);
    this.kernelInitializer = checkInitializerName(options.kernelInitializer ?? 'glorotUniform', name, 'kernelInitializer');
    this.biasInitializer = checkInitializerName(options.biasInitializer ?? 'zeros', name, 'biasInitializer');
  }

  override get className(): string {
    return 'Dense';
  }

  /** Input features, known once built. */
  get inputFeatures(): number | null {
    return this.weight ? this.weight.shape[1] : null;
  }

  override build(inputShape: SampleShape, rng: Random): void {
    const features = inputShape[inputShape.length - 1];
    if (inputShape.length === 0 || typeof features !== 'number') {
      throw new ShapeError(
        `${this.name} needs a known feature size (the last axis of its input), got input ${formatBatchShape(inputShape)}`,
      );
    }
    const out = this.units;
    checkWeightSize(this.name, 'weight', [out, features]);
    this.weight = createParameter('weight', [out, features], initialize(this.kernelInitializer, [out, features], features, out, rng));
    this.bias = this.useBias ? createParameter('bias', [out], initialize(this.biasInitializer, [out], features, out, rng)) : null;
    this.inputShape = inputShape;
    this.built = true;
  }

  override computeOutputShape(inputShape: SampleShape): SampleShape {
    return [...inputShape.slice(0, -1), this.units];
  }

  override async forward(x: Tensor, mask: Float32Array | null, ctx: RunContext): Promise<LayerOutput> {
    const weight = this.requireBuilt();
    const [out, features] = weight.shape;
    if (x.rank < 2 || x.shape[x.rank - 1] !== features) {
      throw new ShapeError(
        `${this.name} expected input [batch, …, ${features}], got [${x.shape.join(', ')}]`,
      );
    }
    const rows = x.size / features;
    checkBufferSize(this.name, `the output [${[...x.shape.slice(0, -1), out].join(', ')}]`, rows * out);
    const z = new Float32Array(rows * out); // [rows, out]
    ctx.backend.gemm({ c: z, a: x.data, b: weight.value, M: rows, N: out, K: features, transA: false, transB: true, alpha: 1, beta: 0 });
    if (this.bias) {
      const b = this.bias.value; // [out]
      for (let r = 0; r < rows; r++) for (let j = 0; j < out; j++) z[r * out + j] += b[j];
    }
    // Linear needs no second buffer; otherwise keep z for backward when training.
    const y = this.activation.name === 'linear' ? z : ctx.training ? new Float32Array(z.length) : z; // [rows, out]
    this.activation.forward(z, y, out);
    if (ctx.training) this.cache = { x: x.data, z, y, rows }; // inference leaves a training pass's cache be
    return { y: new Tensor(y, [...x.shape.slice(0, -1), out]), mask };
  }

  /** Accumulates dW (and db) and returns dx `[…, in]`, a new tensor (or `null`, see `Layer.backward`). */
  override async backward(dy: Tensor, ctx: RunContext, needsInputGradient = true): Promise<Tensor | null> {
    const weight = this.requireBuilt();
    const cache = this.cache;
    if (!cache) throw new ShapeError(`${this.name}: backward called without a training forward before it`);
    const [out, features] = weight.shape;
    const { x, z, y, rows } = cache;
    if (dy.size !== rows * out) {
      throw new ShapeError(`${this.name}: backward expected dy of ${rows * out} values ([…, ${out}]), got [${dy.shape.join(', ')}]`);
    }
    // dz [rows, out]: fully written by the activation's backward, read only within this call (the
    // gemm calls are synchronous).
    const dz = this.gradBuffers.take('dz', rows * out);
    this.activation.backward(z, y, dy.data, dz, out);
    // dW += dzᵀ · x   ([out, rows] · [rows, in])
    ctx.backend.gemm({ c: weight.grad, a: dz, b: x, M: out, N: features, K: rows, transA: true, transB: false, alpha: 1, beta: 1 });
    if (this.bias) {
      const db = this.bias.grad; // [out]
      for (let r = 0; r < rows; r++) for (let j = 0; j < out; j++) db[j] += dz[r * out + j];
    }
    if (!needsInputGradient) return null;
    const dx = new Float32Array(rows * features); // [rows, in] = dz · W
    ctx.backend.gemm({ c: dx, a: dz, b: weight.value, M: rows, N: features, K: out, transA: false, transB: false, alpha: 1, beta: 0 });
    return new Tensor(dx, [...dy.shape.slice(0, -1), features]);
  }

  override parameters(): Parameter[] {
    if (!this.weight) return [];
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }

  override getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      units: this.units,
      activation: this.activation.name,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer,
      biasInitializer: this.biasInitializer,
      ...(this.inputShape ? { inputShape: [...this.inputShape] } : {}),
    };
  }

  private requireBuilt(): Parameter {
    if (!this.weight) throw new ConfigError(`${this.name} is not built: call build(inputShape, rng) first`);
    return this.weight;
  }
}
