import { DataError } from '../errors';
import { checkOptions } from '../options';
import { checkFeatures, featureExtremes, flattenScalerInput, numberArrayField, type ScalerInput } from './scaler-input';

/** The JSON form of a fitted {@link StandardScaler}. */
export interface StandardScalerJSON {
  type: 'StandardScaler';
  mean: number[];
  /** Population standard deviation per feature (a constant feature stores 1). */
  scale: number[];
}

/**
 * Centres each feature on its fitted mean and divides by its population standard deviation
 * (scikit-learn's `StandardScaler`, `ddof = 0`); a constant feature is only centred.
 * Works per column on `[samples, features]` and on the last axis of a Tensor.
 */
export class StandardScaler {
  private mean: number[] | null = null;
  private scale: number[] | null = null;

  /** Takes no options (it always centres and scales); an options object with any key is a `ConfigError`. */
  constructor(options: Record<string, never> = {}) {
    checkOptions('StandardScaler', options, []);
  }

  /** Whether `fit` has run. */
  get fitted(): boolean {
    return this.mean !== null;
  }

  /** Learns each feature's mean and standard deviation. */
  fit(x: ScalerInput): this {
    const { values, features } = flattenScalerInput(x, 'StandardScaler.fit');
    const rows = values.length / features;
    if (rows === 0) throw new DataError('StandardScaler.fit expected at least one sample, got none');
    const { min, max } = featureExtremes(values, features, 'StandardScaler.fit');
    const mean = new Array<number>(features).fill(0);
    for (let i = 0; i < values.length; i++) mean[i % features] += values[i] / rows;
    // Deviations are divided by the widest one before squaring, so no square overflows or underflows.
    const widest = mean.map((m, j) => Math.max(max[j] - m, m - min[j]));
    const spread = new Array<number>(features).fill(0); // Σ ((v − mean) / widest)² / rows
    for (let i = 0; i < values.length; i++) {
      const j = i % features;
      if (widest[j] > 0) spread[j] += ((values[i] - mean[j]) / widest[j]) ** 2 / rows;
    }
    this.mean = mean.map((m, j) => (min[j] === max[j] ? min[j] : m)); // a constant feature centres to exactly 0
    this.scale = mean.map((m, j) => {
      if (widest[j] === 0) return 1;
      // scikit-learn's test for a constant feature, in units of widest²: a variance within the
      // rounding error of the mean's sum (else a constant column would scale its residue up to ±1).
      const eps = Number.EPSILON;
      const constant = spread[j] <= rows * eps * spread[j] + ((rows * m * eps) / widest[j]) ** 2;
      return constant ? 1 : widest[j] * Math.sqrt(spread[j]);
    });
    return this;
  }

  /** Standardises values; the output has the input's kind and shape. */
  transform<T extends ScalerInput>(x: T): T {
    return this.apply(x, 'transform', (v, j) => (v - this.mean![j]) / this.scale![j]);
  }

  /** `fit(x)` then `transform(x)`. */
  fitTransform<T extends ScalerInput>(x: T): T {
    return this.fit(x).transform(x);
  }

  /** Maps standardised values back to the original units. */
  inverseTransform<T extends ScalerInput>(x: T): T {
    return this.apply(x, 'inverseTransform', (v, j) => v * this.scale![j] + this.mean![j]);
  }

  /** The fitted state, for saving next to a model. */
  toJSON(): StandardScalerJSON {
    if (!this.mean || !this.scale) throw new DataError('StandardScaler.toJSON called before fit');
    return { type: 'StandardScaler', mean: [...this.mean], scale: [...this.scale] };
  }

  /** Rebuilds a fitted scaler from {@link StandardScaler.toJSON}'s output; malformed input is a `DataError`. */
  static fromJSON(json: unknown): StandardScaler {
    if (typeof json !== 'object' || json === null || (json as { type?: unknown }).type !== 'StandardScaler') {
      throw new DataError(`StandardScaler.fromJSON expected an object with type 'StandardScaler', got ${JSON.stringify(json)?.slice(0, 80)}`);
    }
    const obj = json as Record<string, unknown>;
    const mean = numberArrayField(obj, 'mean', null, 'StandardScaler');
    const scale = numberArrayField(obj, 'scale', mean.length, 'StandardScaler');
    if (scale.some((s) => s <= 0)) throw new DataError(`StandardScaler.fromJSON: 'scale' must be positive, got ${JSON.stringify(scale)}`);
    const scaler = new StandardScaler();
    scaler.mean = mean;
    scaler.scale = scale;
    return scaler;
  }

  private apply<T extends ScalerInput>(x: T, method: string, f: (v: number, feature: number) => number): T {
    if (!this.mean) throw new DataError(`StandardScaler.${method} called before fit`);
    const flat = flattenScalerInput(x, `StandardScaler.${method}`);
    checkFeatures(this.mean.length, flat.features, `StandardScaler.${method}`);
    const out = new Float64Array(flat.values.length);
    for (let i = 0; i < out.length; i++) out[i] = f(flat.values[i], i % flat.features);
    return flat.rebuild(out) as T;
  }
}
