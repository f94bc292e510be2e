import { DataError } from '../errors';
import { checkBoolean, checkNumber, checkOptions, checkSeed, optionKeys } from '../options';
import { Random } from '../random';
import { Tensor, toTensor, type TensorLike } from '../tensor';

/** Options of {@link trainTestSplit}. */
export interface TrainTestSplitOptions {
  /** Share of samples held out for testing, in (0, 1) (default 0.2); the test count is rounded up. */
  testFraction?: number;
  /** Shuffle before splitting (default `false`: the last samples are the test set, as time series need). */
  shuffle?: boolean;
  /** Seed of the shuffle. */
  seed?: number;
}

const TRAIN_TEST_SPLIT_OPTION_KEYS = optionKeys<TrainTestSplitOptions>({ testFraction: true, shuffle: true, seed: true });

/** The four parts of a split, each a Tensor with the input's trailing shape. */
export interface TrainTestSplit {
  xTrain: Tensor;
  yTrain: Tensor;
  xTest: Tensor;
  yTest: Tensor;
}

/**
 * Splits samples (axis 0 of `x` and `y`) into a training and a test set. Chronological by default —
 * the first `n − ceil(n · testFraction)` samples train, the rest test — so no future leaks into training.
 */
export function trainTestSplit(x: TensorLike, y: TensorLike, options: TrainTestSplitOptions = {}): TrainTestSplit {
  const xs = toTensor(x, 'x');
  const ys = toTensor(y, 'y');
  const owner = 'trainTestSplit';
  checkOptions(owner, options, TRAIN_TEST_SPLIT_OPTION_KEYS);
  const fraction = checkNumber(owner, 'testFraction', options.testFraction ?? 0.2, { above: 0, below: 1 });
  const shuffle = checkBoolean(owner, 'shuffle', options.shuffle, false);
  const seed = options.seed === undefined ? undefined : checkSeed(owner, options.seed);
  const n = xs.shape[0] ?? 0;
  if (ys.shape[0] !== n) throw new DataError(`trainTestSplit: x has ${n} samples but y has ${ys.shape[0]}`);
  const nTest = Math.ceil(n * fraction);
  if (n - nTest < 1) throw new DataError(`trainTestSplit: ${n} samples leave none for training with testFraction ${fraction}`);
  const order = Array.from({ length: n }, (_, i) => i);
  if (shuffle) new Random(seed).shuffle(order);
  const train = order.slice(0, n - nTest);
  const test = order.slice(n - nTest);
  return { xTrain: take(xs, train), yTrain: take(ys, train), xTest: take(xs, test), yTest: take(ys, test) };
}

/** Rows `indices` of `t` along axis 0, copied. */
function take(t: Tensor, indices: readonly number[]): Tensor {
  const row = t.shape.slice(1).reduce((a, b) => a * b, 1);
  const out = new Float32Array(indices.length * row); // [indices, ...t.shape[1:]]
  indices.forEach((src, dst) => out.set(t.data.subarray(src * row, (src + 1) * row), dst * row));
  return new Tensor(out, [indices.length, ...t.shape.slice(1)]);
}
