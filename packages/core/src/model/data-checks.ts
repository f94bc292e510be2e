import { getBackend } from '../backend/select';
import { DataError, ShapeError } from '../errors';
import type { SampleShape } from '../layers/layer';
import { formatBatchShape } from '../layers/option-checks';
import { describeValue } from '../options';
import { describeSamplePosition } from '../sample-position';
import { Tensor, toTensor, type TensorLike } from '../tensor';

/** Who asks for the data (`predict`, `fit`) and the sample shape the model expects, for messages. */
export interface DataContext {
  owner?: string;
  expected?: SampleShape | null;
}

/**
 * Converts `value` to a tensor and checks it is usable as model data: at least a batch axis, at
 * least one sample, every value finite. `name` (`x`, `y`, `validationData x`) goes in the messages.
 */
export function toDataTensor(value: TensorLike, name: string, context: DataContext = {}): Tensor {
  const prefix = context.owner ? `${context.owner}: ` : '';
  if (value === undefined || value === null) throw new DataError(`${prefix}${name} is missing`);
  if (ArrayBuffer.isView(value)) {
    const shape = context.expected ? ` of shape ${formatBatchShape(context.expected)}` : '';
    throw new ShapeError(`${prefix}${name} is ${describeValue(value)} without a shape; pass nested arrays, a Tensor or { data, shape }${shape}`);
  }
  const t = unshared(toTensor(value, name));
  if (t.rank === 0) throw new ShapeError(`${prefix}${name} must have a batch axis, got a scalar`);
  if (t.shape[0] === 0 || t.size === 0) throw new DataError(`${prefix}${name} is empty (shape [${t.shape.join(', ')}])`);
  checkFinite(t, `${prefix}${name}`);
  return t;
}

/**
 * `t`, or a copy of it when its data lives in a `SharedArrayBuffer`: the model reads a snapshot that
 * another thread cannot change mid-call (the native kernels refuse shared memory for that reason).
 */
function unshared(t: Tensor): Tensor {
  const shared = typeof SharedArrayBuffer === 'function' && t.data.buffer instanceof SharedArrayBuffer;
  return shared ? new Tensor(new Float32Array(t.data), t.shape) : t;
}

/**
 * A `DataError` naming the first NaN or ±Infinity in `t` by sample and position. The active
 * backend's pass finds it (in C++ on native: a whole input is scanned before every call).
 */
export function checkFinite(t: Tensor, name: string): void {
  const i = getBackend().data.firstNonFinite(t.data);
  if (i >= 0) {
    throw new DataError(
      `${name} contains ${t.data[i]} at ${describeSamplePosition(i, t.shape)} (flat index ${i}); the model takes finite numbers only: clean or impute the data first`,
    );
  }
}

/** `x` and `y` must hold the same number of samples. */
export function checkSameBatch(x: Tensor, y: Tensor, what = 'x and y'): void {
  if (x.shape[0] !== y.shape[0]) {
    throw new DataError(
      `${what} must have the same number of samples, got ${x.shape[0]} (shape [${x.shape.join(', ')}]) and ${y.shape[0]} (shape [${y.shape.join(', ')}])`,
    );
  }
}

/**
 * The data's sample shape must fit the first layer's input shape (`null` matches any size):
 * a `ShapeError` naming the layer, the expected and the actual shape.
 */
export function checkInputShape(layerName: string, expected: SampleShape, x: Tensor, name = 'x'): void {
  const got = x.shape.slice(1);
  const fits = got.length === expected.length && expected.every((d, i) => d === null || d === got[i]);
  if (!fits) {
    throw new ShapeError(
      `${layerName} expected input ${formatBatchShape(expected)}, got ${name} of shape [${x.shape.join(', ')}]`,
    );
  }
}
