import { DataError } from '../errors';
import { checkOptions, optionError } from '../options';
import { checkFeatures, featureExtremes, flattenScalerInput, numberArrayField, type ScalerInput } from './scaler-input';

/** Options of {@link MinMaxScaler}. */
export interface MinMaxScalerOptions {
  /** The range the fitted data maps onto (default `[0, 1]`). */
  featureRange?: readonly [number, number];
}

/** The JSON form of a fitted {@link MinMaxScaler}. */
export interface MinMaxScalerJSON {
  type: 'MinMaxScaler';
  featureRange: [number, number];
  dataMin: number[];
  dataMax: number[];
}

/**
 * Scales each feature linearly so that its fitted minimum maps to `featureRange[0]` and its
 * maximum to `featureRange[1]` (scikit-learn's `MinMaxScaler`). A constant feature maps to
 * `featureRange[0]`. Works per column on `[samples, features]` and on the last axis of a Tensor.
 */
export class MinMaxScaler {
  readonly featureRange: readonly [number, number];
  private dataMin: number[] | null = null;
  private dataMax: number[] | null = null;

  constructor(options: MinMaxScalerOptions = {}) {
    checkOptions('MinMaxScaler', options, ['featureRange'] satisfies (keyof MinMaxScalerOptions)[]);
    const range = options.featureRange ?? [0, 1];
    if (!Array.isArray(range) || range.length !== 2 || !range.every(Number.isFinite) || !(range[0] < range[1])) {
      optionError('MinMaxScaler', 'featureRange', '[low, high] with low < high', range);
    }
    this.featureRange = [range[0], range[1]];
  }

  /** Whether `fit` has run. */
  get fitted(): boolean {
    return this.dataMin !== null;
  }

  /** Learns each feature's minimum and maximum. */
  fit(x: ScalerInput): this {
    const { values, features } = flattenScalerInput(x, 'MinMaxScaler.fit');
    if (values.length === 0) throw new DataError('MinMaxScaler.fit expected at least one sample, got none');
    const { min, max } = featureExtremes(values, features, 'MinMaxScaler.fit');
    this.dataMin = min;
    this.dataMax = max;
    return this;
  }

  /** Maps values into `featureRange`; the output has the input's kind and shape. */
  transform<T extends ScalerInput>(x: T): T {
    return this.apply(x, 'transform', (v, j) => this.featureRange[0] + (v - this.min(j)) / this.scale(j));
  }

  /** `fit(x)` then `transform(x)`. */
  fitTransform<T extends ScalerInput>(x: T): T {
    return this.fit(x).transform(x);
  }

  /** Maps scaled values back to the original units. */
  inverseTransform<T extends ScalerInput>(x: T): T {
    return this.apply(x, 'inverseTransform', (v, j) => (v - this.featureRange[0]) * this.scale(j) + this.min(j));
  }

  /** The fitted state, for saving next to a model. */
  toJSON(): MinMaxScalerJSON {
    const { min, max } = this.requireFitted('toJSON');
    return { type: 'MinMaxScaler', featureRange: [...this.featureRange], dataMin: [...min], dataMax: [...max] };
  }

  /** Rebuilds a fitted scaler from {@link MinMaxScaler.toJSON}'s output; malformed input is a `DataError`. */
  static fromJSON(json: unknown): MinMaxScaler {
    if (typeof json !== 'object' || json === null || (json as { type?: unknown }).type !== 'MinMaxScaler') {
      throw new DataError(`MinMaxScaler.fromJSON expected an object with type 'MinMaxScaler', got ${JSON.stringify(json)?.slice(0, 80)}`);
    }
    const obj = json as Record<string, unknown>;
    const range = numberArrayField(obj, 'featureRange', 2, 'MinMaxScaler');
    const dataMin = numberArrayField(obj, 'dataMin', null, 'MinMaxScaler');
    const dataMax = numberArrayField(obj, 'dataMax', dataMin.length, 'MinMaxScaler');
    const scaler = new MinMaxScaler({ featureRange: [range[0], range[1]] });
    scaler.dataMin = dataMin;
    scaler.dataMax = dataMax;
    return scaler;
  }

  private min(j: number): number {
    return this.dataMin![j];
  }

  /** Data units per unit of output range; a constant feature uses 1 so nothing divides by zero. */
  private scale(j: number): number {
    const span = this.dataMax![j] - this.dataMin![j];
    return (span === 0 ? 1 : span) / (this.featureRange[1] - this.featureRange[0]);
  }

  private apply<T extends ScalerInput>(x: T, method: string, f: (v: number, feature: number) => number): T {
    const { min } = this.requireFitted(method);
    const flat = flattenScalerInput(x, `MinMaxScaler.${method}`);
    checkFeatures(min.length, flat.features, `MinMaxScaler.${method}`);
    const out = new Float64Array(flat.values.length);
    for (let i = 0; i < out.length; i++) out[i] = f(flat.values[i], i % flat.features);
    return flat.rebuild(out) as T;
  }

  private requireFitted(method: string): { min: number[]; max: number[] } {
    if (!this.dataMin || !this.dataMax) throw new DataError(`MinMaxScaler.${method} called before fit`);
    return { min: this.dataMin, max: this.dataMax };
  }
}
