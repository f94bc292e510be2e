import { describe, expect, it } from 'vitest';
import { ConfigError, DataError } from '../../src/errors';
import { Tensor } from '../../src/tensor';
import { padSequences } from '../../src/data/pad-sequences';
import { timeseriesWindows } from '../../src/data/timeseries-windows';
import { trainTestSplit } from '../../src/data/train-test-split';

describe('timeseriesWindows', () => {
  it('cuts a univariate series into [n, window, 1] → [n, 1]', () => {
    const { x, y } = timeseriesWindows([0, 1, 2, 3, 4, 5], { window: 3 });
    expect(x.shape).toEqual([3, 3, 1]);
    expect(x.toArray()).toEqual([[[0], [1], [2]], [[1], [2], [3]], [[2], [3], [4]]]);
    expect(y.toArray()).toEqual([[3], [4], [5]]);
  });

  it('handles horizon, stride and multivariate targets (step-major)', () => {
    const series = Array.from({ length: 7 }, (_, t) => [t, 10 * t]);
    const { x, y } = timeseriesWindows(series, { window: 2, horizon: 2, stride: 2 });
    // n = floor((7 - 2 - 2) / 2) + 1 = 2
    expect(x.shape).toEqual([2, 2, 2]);
    expect(x.toArray()).toEqual([[[0, 0], [1, 10]], [[2, 20], [3, 30]]]);
    expect(y.toArray()).toEqual([[2, 20, 3, 30], [4, 40, 5, 50]]);
    const onlyFirst = timeseriesWindows(new Tensor(Float32Array.from(series.flat()), [7, 2]), { window: 2, targetFeatures: [1] });
    expect(onlyFirst.y.shape).toEqual([5, 1]);
    expect(onlyFirst.y.toArray()).toEqual([[20], [30], [40], [50], [60]]);
  });

  it('rejects a too-short series and bad options', () => {
    expect(() => timeseriesWindows([1, 2, 3], { window: 3 })).toThrow(/at least window \+ horizon = 4 steps, got 3/);
    expect(() => timeseriesWindows([1, 2, 3], { window: 0 })).toThrow(ConfigError);
    expect(() => timeseriesWindows([1, 2, 3], { window: 1, targetFeatures: [1] })).toThrow(ConfigError);
  });

  it('names the step of a NaN or ±Infinity in the series, whatever its kind', () => {
    expect(() => timeseriesWindows([1, Number.NaN, 3, 4], { window: 2 })).toThrow(
      new DataError('timeseriesWindows: the series holds NaN at step 1 (as float32); the model takes finite numbers only: clean or impute the data first'),
    );
    expect(() => timeseriesWindows(Float32Array.of(1, 2, Infinity), { window: 1 })).toThrow(/holds Infinity at step 2/);
    expect(() => timeseriesWindows([[1, 2], [3, -Infinity], [5, 6]], { window: 1 })).toThrow(/holds -Infinity at step 1, feature 1/);
    expect(() => timeseriesWindows(new Tensor(Float32Array.of(1, 2, 1e39), [3]), { window: 1 })).toThrow(/holds Infinity at step 2/);
    expect(() => timeseriesWindows([1, 2, 1e39], { window: 1 })).toThrow(/holds Infinity at step 2 \(as float32\)/);
  });
});

describe('trainTestSplit', () => {
  const x = Array.from({ length: 10 }, (_, i) => [[i]]);
  const y = Array.from({ length: 10 }, (_, i) => [i * 2]);

  it('is chronological by default, with the test count rounded up', () => {
    const s = trainTestSplit(x, y, { testFraction: 0.25 });
    expect(s.xTrain.shape).toEqual([7, 1, 1]);
    expect(s.xTest.toArray()).toEqual([[[7]], [[8]], [[9]]]);
    expect(s.yTest.toArray()).toEqual([[14], [16], [18]]);
  });

  it('shuffles reproducibly with a seed and keeps x and y paired', () => {
    const a = trainTestSplit(x, y, { shuffle: true, seed: 3 });
    const b = trainTestSplit(x, y, { shuffle: true, seed: 3 });
    expect(a.xTest.toArray()).toEqual(b.xTest.toArray());
    expect(Array.from(a.yTrain.data)).toEqual(Array.from(a.xTrain.data).map((v) => 2 * v));
    const all = [...a.xTrain.data, ...a.xTest.data].sort((p, q) => p - q);
    expect(all).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(Array.from(a.xTrain.data)).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('rejects mismatched sample counts and bad fractions', () => {
    expect(() => trainTestSplit(x, y.slice(1))).toThrow(/x has 10 samples but y has 9/);
    expect(() => trainTestSplit(x, y, { testFraction: 1 })).toThrow(ConfigError);
    expect(() => trainTestSplit([[1]], [[1]], { testFraction: 0.5 })).toThrow(DataError);
  });
});

describe('padSequences', () => {
  const seqs = [[1, 2, 3], [4], [5, 6, 7, 8, 9]];

  it('pads and truncates at the front by default, like Keras', () => {
    expect(padSequences(seqs, { maxLen: 4 }).toArray()).toEqual([[0, 1, 2, 3], [0, 0, 0, 4], [6, 7, 8, 9]]);
  });

  it('supports post padding/truncating, a custom value and the default length', () => {
    expect(padSequences(seqs, { maxLen: 4, padding: 'post', truncating: 'post', value: -1 }).toArray()).toEqual([
      [1, 2, 3, -1],
      [4, -1, -1, -1],
      [5, 6, 7, 8],
    ]);
    expect(padSequences(seqs).shape).toEqual([3, 5]);
  });

  it('rejects bad options and non-numbers', () => {
    expect(() => padSequences(seqs, { padding: 'left' as 'pre' })).toThrow(/padSequences: padding must be one of 'pre', 'post', got 'left'/);
    expect(() => padSequences([[1, NaN]])).toThrow(DataError);
    expect(() => padSequences(seqs, { maxLen: 0 })).toThrow(ConfigError);
  });

  it('names what is wrong with no sequences, empty ones, or something that is not an array', () => {
    expect(() => padSequences([])).toThrow(new DataError('padSequences: no sequences were given, so there is no length to pad to; give maxLen'));
    expect(() => padSequences([[], []])).toThrow(/every sequence is empty, so there is no length to pad to; give maxLen/);
    expect(padSequences([[], []], { maxLen: 2 }).shape).toEqual([2, 2]);
    expect(() => padSequences('abc' as unknown as number[][])).toThrow(new DataError("padSequences expected an array of sequences (arrays of numbers), got 'abc'"));
    expect(() => padSequences(null as unknown as number[][])).toThrow(DataError);
  });
});
