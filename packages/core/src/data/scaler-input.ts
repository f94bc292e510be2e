import { DataError, ShapeError } from '../errors';
import { firstNonFinite } from '../finite-values';
import { Tensor } from '../tensor';

/**
 * What the scalers accept: a plain series (one feature), rows of features `[samples, features]`,
 * or a `Tensor` whose last axis holds the features (rank 1 is one feature).
 */
export type ScalerInput = readonly number[] | Float32Array | readonly (readonly number[])[] | Tensor;

/** The input flattened to row-major values, its feature count, and a way to rebuild its kind. */
export interface FlatInput {
  /** `[rows, features]`, row-major. */
  values: Float64Array;
  features: number;
  /** Builds an output of the same kind and shape as the input from row-major values. */
  rebuild(values: Float64Array): ScalerInput;
}

/** Flattens scaler input, checking that it is rectangular and finite. */
export function flattenScalerInput(x: ScalerInput, who: string): FlatInput {
  if (x instanceof Tensor) {
    const features = x.rank <= 1 ? 1 : x.shape[x.rank - 1];
    const shape = x.shape;
    return {
      values: checkFinite(Float64Array.from(x.data), who),
      features,
      rebuild: (v) => new Tensor(Float32Array.from(v), shape),
    };
  }
  if (x instanceof Float32Array) {
    return { values: checkFinite(Float64Array.from(x), who), features: 1, rebuild: (v) => Float32Array.from(v) };
  }
  if (!Array.isArray(x)) throw new DataError(`${who} expected an array, a Float32Array or a Tensor, got ${typeof x}`);
  if (x.length > 0 && Array.isArray(x[0])) {
    const rows = x as readonly (readonly number[])[];
    const features = rows[0].length;
    const values = new Float64Array(rows.length * features);
    rows.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== features) {
        throw new ShapeError(`${who} expected rows of ${features} features, row ${i} has ${Array.isArray(row) ? row.length : typeof row}`);
      }
      row.forEach((v, j) => (values[i * features + j] = v));
    });
    return {
      values: checkFinite(values, who),
      features,
      rebuild: (v) => Array.from({ length: rows.length }, (_, i) => Array.from(v.subarray(i * features, (i + 1) * features))),
    };
  }
  const series = x as readonly number[];
  return { values: checkFinite(Float64Array.from(series), who), features: 1, rebuild: (v) => Array.from(v) };
}

function checkFinite(values: Float64Array, who: string): Float64Array {
  const bad = firstNonFinite(values);
  if (bad >= 0) throw new DataError(`${who} expected finite numbers, got ${values[bad]} at flat index ${bad}`);
  return values;
}

/** Checks that a fitted scaler sees the feature count it was fitted on. */
export function checkFeatures(expected: number, got: number, who: string): void {
  if (expected !== got) throw new ShapeError(`${who} was fitted on ${expected} feature(s), got input with ${got}`);
}

/** Checks that a `fromJSON` field is an array of finite numbers of the given length. */
export function numberArrayField(json: Record<string, unknown>, key: string, length: number | null, who: string): number[] {
  const v = json[key];
  if (!Array.isArray(v) || v.some((n) => typeof n !== 'number' || !Number.isFinite(n)) || (length !== null && v.length !== length)) {
    const want = length === null ? 'an array of finite numbers' : `${length} finite numbers`;
    throw new DataError(`${who}.fromJSON: '${key}' should be ${want}, got ${JSON.stringify(v)}`);
  }
  return v as number[];
}

/**
 * Each feature's smallest and largest value; a `DataError` naming `who` when a feature's span
 * (largest − smallest) is more than a float64 holds, which no scaling could represent.
 */
export function featureExtremes(values: Float64Array, features: number, who: string): { min: number[]; max: number[] } {
  const min = new Array<number>(features).fill(Infinity);
  const max = new Array<number>(features).fill(-Infinity);
  for (let i = 0; i < values.length; i++) {
    const j = i % features;
    if (values[i] < min[j]) min[j] = values[i];
    if (values[i] > max[j]) max[j] = values[i];
  }
  const wide = min.findIndex((lo, j) => !Number.isFinite(max[j] - lo));
  if (wide >= 0) {
    throw new DataError(`${who}: feature ${wide} spans from ${min[wide]} to ${max[wide]}, more than a float64 can hold; divide the data by a power of ten first`);
  }
  return { min, max };
}
