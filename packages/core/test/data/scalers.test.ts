import { describe, expect, it } from 'vitest';
import { ConfigError, DataError, ShapeError } from '../../src/errors';
import { Tensor } from '../../src/tensor';
import { MinMaxScaler } from '../../src/data/min-max-scaler';
import { StandardScaler } from '../../src/data/standard-scaler';

describe('MinMaxScaler', () => {
  it('maps a 1-D series onto [0, 1] and back', () => {
    const s = new MinMaxScaler();
    const scaled = s.fitTransform([10, 20, 15, 30]);
    expect(scaled).toEqual([0, 0.5, 0.25, 1]);
    expect(s.inverseTransform([0, 0.5, 1.5])).toEqual([10, 20, 40]);
  });

  it('scales each column of 2-D input separately, into a custom range', () => {
    const s = new MinMaxScaler({ featureRange: [-1, 1] });
    const out = s.fitTransform([
      [0, 100],
      [5, 300],
      [10, 200],
    ]);
    expect(out).toEqual([
      [-1, -1],
      [0, 1],
      [1, 0],
    ]);
  });

  it('keeps the kind of its input: Float32Array and Tensor (last axis = features)', () => {
    const s = new MinMaxScaler().fit(Float32Array.from([2, 4]));
    const f = s.transform(Float32Array.from([3]));
    expect(f).toBeInstanceOf(Float32Array);
    expect(Array.from(f)).toEqual([0.5]);
    const t = s.inverseTransform(new Tensor(Float32Array.from([0, 1, 0.5, 0.25]), [2, 2, 1]));
    expect(t).toBeInstanceOf(Tensor);
    expect(t.shape).toEqual([2, 2, 1]);
    expect(Array.from(t.data)).toEqual([2, 4, 3, 2.5]);
  });

  it('maps a constant feature to the low end instead of dividing by zero', () => {
    const s = new MinMaxScaler();
    expect(s.fitTransform([7, 7, 7])).toEqual([0, 0, 0]);
    expect(s.inverseTransform([0])).toEqual([7]);
  });

  it('round-trips through JSON exactly', () => {
    const s = new MinMaxScaler({ featureRange: [0, 2] }).fit([[1.5, -3], [2.25, 9]]);
    const json = JSON.parse(JSON.stringify(s.toJSON()));
    const back = MinMaxScaler.fromJSON(json);
    expect(back.transform([[1.7, 0.1]])).toEqual(s.transform([[1.7, 0.1]]));
    expect(json).toEqual({ type: 'MinMaxScaler', featureRange: [0, 2], dataMin: [1.5, -3], dataMax: [2.25, 9] });
  });

  it('fails clearly on bad use', () => {
    expect(() => new MinMaxScaler({ featureRange: [1, 0] })).toThrow(ConfigError);
    expect(() => new MinMaxScaler().transform([1])).toThrow(/called before fit/);
    expect(() => new MinMaxScaler().fit([1, NaN])).toThrow(DataError);
    expect(() => new MinMaxScaler().fit([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => new MinMaxScaler().fit([[1, 2]]).transform([[1, 2, 3]])).toThrow(/fitted on 2 feature\(s\), got input with 3/);
    expect(() => MinMaxScaler.fromJSON({ type: 'MinMaxScaler', featureRange: [0, 1], dataMin: [0], dataMax: [] })).toThrow(DataError);
    expect(() => MinMaxScaler.fromJSON({ type: 'StandardScaler' })).toThrow(DataError);
  });
});

describe('StandardScaler', () => {
  it('uses the population standard deviation (ddof 0), per column', () => {
    const s = new StandardScaler();
    const out = s.fitTransform([
      [1, 10],
      [3, 10],
    ]);
    expect(out).toEqual([
      [-1, 0],
      [1, 0],
    ]);
    expect(s.toJSON()).toEqual({ type: 'StandardScaler', mean: [2, 10], scale: [1, 1] });
  });

  it('matches hand-computed values on a 1-D series and inverts them', () => {
    const x = [2, 4, 4, 4, 5, 5, 7, 9]; // mean 5, std 2
    const s = new StandardScaler();
    const z = s.fitTransform(x);
    expect(z).toEqual([-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2]);
    expect(s.inverseTransform(z)).toEqual(x);
  });

  it('only centres a constant feature, to exactly 0, whatever rounding the mean picked up', () => {
    expect(new StandardScaler().fitTransform(new Array(10).fill(0.1))).toEqual(new Array(10).fill(0));
    expect(Array.from(new StandardScaler().fitTransform(new Float32Array(100).fill(1.1)))).toEqual(new Array(100).fill(0));
    const columns = new StandardScaler().fit([[0.3, 1], [0.3, 2], [0.3, 3]]);
    expect(columns.toJSON()).toEqual({ type: 'StandardScaler', mean: [0.3, 2], scale: [1, Math.sqrt(2 / 3)] });
    // Not constant, only close: scaled as usual.
    expect(new StandardScaler().fitTransform([1, 1 + 1e-9])).toEqual([-1, 1]);
  });

  it('scales values near the ends of float64 without overflow, and refuses a span no float64 holds', () => {
    expect(new StandardScaler().fitTransform([1e200, -1e200])).toEqual([1, -1]);
    expect(new StandardScaler().fitTransform([1e-200, -1e-200])).toEqual([1, -1]);
    expect(() => new StandardScaler().fit([1.7e308, -1.7e308])).toThrow(new DataError('StandardScaler.fit: feature 0 spans from -1.7e+308 to 1.7e+308, more than a float64 can hold; divide the data by a power of ten first'));
    expect(() => new MinMaxScaler().fit([[0, 1.7e308], [0, -1.7e308]])).toThrow(/^MinMaxScaler\.fit: feature 1 spans from -1\.7e\+308 to 1\.7e\+308/);
  });

  it('round-trips through JSON and rejects malformed JSON', () => {
    const s = new StandardScaler().fit([0.1, 0.7, 2.9]);
    const back = StandardScaler.fromJSON(JSON.parse(JSON.stringify(s)));
    expect(back.transform([1.234])).toEqual(s.transform([1.234]));
    expect(() => StandardScaler.fromJSON({ type: 'StandardScaler', mean: [0], scale: [0] })).toThrow(/positive/);
    expect(() => new StandardScaler().inverseTransform([1])).toThrow(/before fit/);
  });
});
