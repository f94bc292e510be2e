import { ConfigError, DataError, ShapeError } from '../errors';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import { canonicalLossName } from '../train/losses/get-loss';
import { lossRows } from '../train/losses/loss';
import { describeValue } from '../options';

/** Keras's `class_weight`: class id → weight. Classes not listed weigh 1, as in Keras. */
export type ClassWeight = Readonly<Record<number, number>>;

/** The per-sample weight options shared by `fit` and `trainOnBatch` (Keras `sample_weight`, `class_weight`). */
export interface WeightOptions {
  /** `[batch]`, or `[batch, steps]` for per-step outputs: each sample's (or step's) weight, finite and >= 0. */
  sampleWeight?: TensorLike;
  /** `{ classId: weight }`, mapped through the targets (class ids, or the argmax of one-hot rows). */
  classWeight?: ClassWeight;
}

/** Weights per sample (`[batch]`) or per (sample, step) (`[batch, steps]`), and the option they came from. */
export interface NamedWeights {
  option: 'sampleWeight' | 'classWeight';
  values: Tensor;
}

/** What one batch's loss and metrics are weighted with. */
export interface RowWeights {
  /** Per-row loss weights (`[rows]`, see `lossRows`), or null for the plain mean. */
  loss: Float32Array | null;
  /** Per-row metric weights: the step mask only, or null. */
  metrics: Float32Array | null;
}

const CLASSIFICATION_LOSSES = ['binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy'];

/**
 * Resolves `sampleWeight` / `classWeight` into one weight tensor for `(x, y)`, or null when neither
 * is given. Both at once is a `ConfigError`, as in Keras 3.
 */
export function resolveWeights(owner: string, options: WeightOptions, y: Tensor, lossName: string): NamedWeights | null {
  const { sampleWeight, classWeight } = options;
  if (sampleWeight !== undefined && classWeight !== undefined) {
    throw new ConfigError(`${owner}: give sampleWeight or classWeight, not both (Keras does not combine them either)`);
  }
  if (sampleWeight !== undefined) return { option: 'sampleWeight', values: toSampleWeight(owner, sampleWeight, y.shape[0]) };
  if (classWeight !== undefined) {
    return { option: 'classWeight', values: classWeightToSampleWeight(owner, parseClassWeight(owner, classWeight), y, lossName) };
  }
  return null;
}

/** Checks a `sampleWeight`: `[samples]`, `[samples, 1]` or `[samples, steps]`, every value finite and >= 0. */
export function toSampleWeight(owner: string, value: TensorLike, samples: number, option = 'sampleWeight'): Tensor {
  if (value === null) throw new DataError(`${owner}: ${option} is null; omit it or give one weight per sample`);
  const w = toTensor(value, option);
  if (w.rank < 1 || w.rank > 2) {
    throw new DataError(`${owner}: ${option} must be [batch] or [batch, steps], got shape [${w.shape.join(', ')}]`);
  }
  if (w.shape[0] !== samples) {
    throw new DataError(`${owner}: ${option} must hold one weight per sample (${samples}), got ${w.shape[0]} (shape [${w.shape.join(', ')}])`);
  }
  checkWeightValues(owner, option, w.data);
  return w;
}

function checkWeightValues(owner: string, option: string, data: Float32Array): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]) || data[i] < 0) {
      throw new DataError(`${owner}: ${option} must be finite and >= 0, got ${data[i]} at flat index ${i}`);
    }
  }
}

/** A `classWeight` object as a map: keys are class ids (integers >= 0), values finite weights >= 0. */
export function parseClassWeight(owner: string, value: unknown): Map<number, number> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Map) {
    throw new ConfigError(`${owner}: classWeight must be an object { classId: weight }, got ${describeValue(value)}`);
  }
  const map = new Map<number, number>();
  for (const [key, weight] of Object.entries(value)) {
    const id = Number(key);
    if (!/^\d+$/.test(key) || !Number.isSafeInteger(id)) {
      throw new ConfigError(`${owner}: classWeight keys must be class ids (integers >= 0), got '${key}'`);
    }
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
      throw new DataError(`${owner}: classWeight[${key}] must be a finite number >= 0, got ${describeValue(weight)}`);
    }
    map.set(id, weight);
  }
  return map;
}

/**
 * Keras's `class_weight_to_sample_weights`: each target row's class (the argmax of a one-hot row
 * for categorical cross-entropy, else the rounded id or 0/1 label) looks up its weight; unlisted
 * classes weigh 1. Per-step targets give per-step weights `[batch, steps]` (Keras 3 refuses 3-D
 * targets; weighting each step by its own class is the natural extension).
 */
export function classWeightToSampleWeight(owner: string, classWeight: Map<number, number>, y: Tensor, lossName: string): Tensor {
  const canonical = canonicalLossName(lossName);
  if (canonical === null || !CLASSIFICATION_LOSSES.includes(canonical)) {
    throw new ConfigError(
      `${owner}: classWeight needs a classification loss (${CLASSIFICATION_LOSSES.join(', ')}); the model's loss is '${lossName}'`,
    );
  }
  const batch = y.shape[0];
  const oneHot = canonical === 'categoricalCrossentropy';
  const width = oneHot ? y.shape[y.rank - 1] : 1; // values per target row
  if (oneHot && y.rank < 2) {
    throw new ShapeError(`${owner}: classWeight with categoricalCrossentropy needs one-hot targets [batch, classes], got [${y.shape.join(', ')}]`);
  }
  const rows = y.size / width;
  const out = new Float32Array(rows); // [batch, rows / batch]
  for (let r = 0; r < rows; r++) {
    let id = 0;
    if (oneHot) {
      for (let k = 1; k < width; k++) if (y.data[r * width + k] > y.data[r * width + id]) id = k;
    } else {
      id = Math.round(y.data[r]);
    }
    out[r] = classWeight.get(id) ?? 1;
  }
  // Targets `[batch]` or `[batch, 1]` weigh whole samples; anything longer weighs each step.
  const perSample = rows / batch;
  return new Tensor(out, perSample === 1 ? [batch] : [batch, perSample]);
}

/**
 * The weights one batch's loss and metrics use, from the batch's sample or class weights and the
 * step mask of the model's final output (`[batch, steps]`, 1 = real step).
 *
 * What is implemented is Keras 3's `reduce_weighted_values` with the default reduction
 * `'sum_over_batch_size'`: the mask becomes a weight `mask · total / valid` (total = rows, valid =
 * unmasked rows; 0 when no row is valid, like `divide_no_nan`), multiplied into the sample weights,
 * and the loss is `Σ w·l / rows`. So the loss is `Σ sw·l / valid` over the unmasked rows: padded
 * steps count neither in the sum nor in the divisor, and get zero gradient. Metrics follow Keras's
 * `MeanMetricWrapper`: the mask is their weight (a mean over real steps only); sample and class
 * weights do not reach them, as Keras's `metrics` (not `weighted_metrics`) ignore them.
 */
export function rowWeights(weights: NamedWeights | null, mask: Float32Array | null, pred: Tensor): RowWeights {
  if (weights === null && mask === null) return { loss: null, metrics: null };
  const rows = lossRows(pred);
  const batch = pred.shape[0];
  const perSample = batch === 0 ? 0 : rows / batch;
  let loss: Float32Array | null = null;
  if (weights !== null) {
    const given = weights.values.size / batch;
    if (given !== 1 && given !== perSample) {
      throw new DataError(
        `${weights.option} has ${given} weights per sample, but the model's output [${pred.shape.join(', ')}] has ${perSample} rows per sample; give [batch]${perSample > 1 ? ` or [batch, ${perSample}]` : ''}`,
      );
    }
    loss = new Float32Array(rows); // [batch, perSample]
    for (let r = 0; r < rows; r++) loss[r] = weights.values.data[given === 1 ? Math.floor(r / perSample) : r];
  }
  if (mask === null) return { loss, metrics: null };
  if (mask.length !== rows) {
    throw new ShapeError(`the output step mask has ${mask.length} values, but the model's output [${pred.shape.join(', ')}] has ${rows} rows`);
  }
  let valid = 0;
  for (let r = 0; r < rows; r++) valid += mask[r];
  const scale = valid === 0 ? 0 : rows / valid;
  const combined = loss ?? new Float32Array(rows).fill(1);
  for (let r = 0; r < rows; r++) combined[r] *= mask[r] * scale;
  return { loss: combined, metrics: mask };
}
