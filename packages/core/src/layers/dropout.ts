import { ShapeError, StateDictError } from '../errors';
import type { Random } from '../random';
import { Tensor } from '../tensor';
import type { Parameter } from '../train/parameter';
import { Layer, type LayerOutput, type RunContext, type SampleShape } from './layer';
import { uniqueLayerName } from './naming';
import { checkNumber, checkRequiredOptions, optionKeys } from '../options';
import { layerName, optionalInputShape } from './option-checks';

/** Options of a `Dropout` layer. */
export interface DropoutOptions {
  /** Fraction of values zeroed during training, in [0, 1). */
  rate: number;
  /** Shape of one sample without the batch axis (only needed when Dropout is the first layer). */
  inputShape?: (number | null)[];
  /** Layer name; default `dropout_<n>`. */
  name?: string;
}

const DROPOUT_OPTION_KEYS = optionKeys<DropoutOptions>({ rate: true, inputShape: true, name: true });

/**
 * Inverted dropout: while training, each value is zeroed with probability `rate` and the survivors
 * are scaled by `1 / (1 − rate)`, so inference is the identity. Masks come from the model's seeded
 * `ctx.rng`, so a seed makes training reproducible. The step mask passes through.
 */
export class Dropout extends Layer {
  readonly rate: number;
  /** [size of the last training input] 0 or 1/(1−rate); `null` when the last forward was the identity. */
  private keep: Float32Array | null = null;

  constructor(options: DropoutOptions) {
    checkRequiredOptions('Dropout', options, DROPOUT_OPTION_KEYS, '{ rate: 0.2 }');
    const name = layerName('Dropout', options.name, () => uniqueLayerName('dropout'));
    super(name, optionalInputShape(name, options.inputShape));
    this.rate = checkNumber(name, 'rate', options.rate, { min: 0, below: 1 });
  }

  override get className(): string {
    return 'Dropout';
  }

  override build(inputShape: SampleShape, _rng: Random): void {
    this.inputShape = inputShape;
    this.built = true;
  }

  override computeOutputShape(inputShape: SampleShape): SampleShape {
    return inputShape;
  }

  override async forward(x: Tensor, mask: Float32Array | null, ctx: RunContext): Promise<LayerOutput> {
    if (!ctx.training) return { y: x, mask }; // inference leaves a training pass's mask be
    if (this.rate === 0) {
      this.keep = null;
      return { y: x, mask };
    }
    const scale = 1 / (1 - this.rate);
    const keep = new Float32Array(x.size); // same shape as x
    const y = new Float32Array(x.size); // same shape as x
    for (let i = 0; i < x.size; i++) {
      keep[i] = ctx.rng.next() >= this.rate ? scale : 0;
      y[i] = x.data[i] * keep[i];
    }
    this.keep = keep;
    return { y: new Tensor(y, x.shape), mask };
  }

  override async backward(dy: Tensor, _ctx: RunContext): Promise<Tensor | null> {
    const keep = this.keep;
    if (!keep) return dy;
    if (dy.size !== keep.length) {
      throw new ShapeError(`${this.name}: backward expected dy of ${keep.length} values, got [${dy.shape.join(', ')}]`);
    }
    const dx = new Float32Array(dy.size); // same shape as dy
    for (let i = 0; i < dy.size; i++) dx[i] = dy.data[i] * keep[i];
    return new Tensor(dx, dy.shape);
  }

  override parameters(): Parameter[] {
    return [];
  }

  override getConfig(): Record<string, unknown> {
    return { name: this.name, rate: this.rate, ...(this.inputShape ? { inputShape: [...this.inputShape] } : {}) };
  }

  override stateDict(): Record<string, Tensor> {
    return {};
  }

  override loadStateDict(dict: Record<string, unknown>): void {
    const keys = Object.keys(dict ?? {});
    if (keys.length > 0) throw new StateDictError(`${this.name} has no weights, but the state dict has ${keys.map((k) => `${this.name}.${k}`).join(', ')}`);
  }
}
