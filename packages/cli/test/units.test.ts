import { describe, expect, it } from 'vitest';
import { Tensor } from '@rnn/core';
import { dieboldMariano } from '../src/evaluation/diebold-mariano';
import { detectSeason } from '../src/evaluation/season';
import { verdict } from '../src/evaluation/verdict';
import { errorMetrics } from '../src/evaluation/metrics';
import { decimalsFor, formatNumber } from '../src/report/numbers';
import { fitScaling } from '../src/scaling/fit-scaling';
import { WindowScaler } from '../src/scaling/window-scaler';
import { detectCadence, futureDates } from '../src/series/cadence';

const day = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);

describe('scaling', () => {
  const x = new Tensor(Float32Array.from([100, 102, 98, 100, 2000, 2100, 1900, 2000]), [2, 4, 1]);
  const y = new Tensor(Float32Array.from([101, 1980]), [2, 1]);

  it('ratio: the same shape at any level gives the same inputs, and maps back exactly', () => {
    const s = new WindowScaler([{ kind: 'ratio', center: 0, scale: 0.01 }], ['close']);
    expect(Array.from(s.inputs(x).data)).toEqual(Array.from(Float32Array.from([0, 2, -2, 0, 0, 5, -5, 0])));
    const t = s.targets(x, y);
    expect(t.data[0]).toBeCloseTo(1, 4);
    expect(t.data[1]).toBeCloseTo(-1, 4);
    const back = s.unscale(x, t).data;
    expect(back[0]).toBeCloseTo(101, 3);
    expect(back[1]).toBeCloseTo(1980, 2);
  });

  it('every kind round-trips targets, and refuses ratios of a window ending at 0 or below', () => {
    for (const kind of ['ratio', 'diff', 'standard', 'minmax'] as const) {
      const s = new WindowScaler([{ kind, center: 50, scale: 3 }], ['v']);
      const back = s.unscale(x, s.targets(x, y)).data;
      expect(back[0]).toBeCloseTo(101, 2);
      expect(back[1]).toBeCloseTo(1980, 1);
    }
    const zero = new Tensor(Float32Array.from([1, 2, 3, 0]), [1, 4, 1]);
    expect(() => new WindowScaler([{ kind: 'ratio', center: 0, scale: 1 }], ['v']).inputs(zero)).toThrow(/ratios need values > 0/);
  });

  it('refuses values float32 cannot hold: no infinity reaches the network', () => {
    const s = new WindowScaler([{ kind: 'standard', center: 0, scale: 1e-40 }], ['v']);
    expect(() => s.inputs(new Tensor(Float32Array.from([1, 2]), [1, 2, 1]))).toThrow(/non-finite input/);
  });

  it('auto: ratio for positive series, standardisation for mean-reverting ones, differences for wandering ones', () => {
    const sine = Array.from({ length: 400 }, (_, i) => Math.sin(i / 4));
    const walk = Array.from({ length: 400 }, (_, i) => Math.sin(i / 97) * 10 - 5 + i / 50);
    expect(fitScaling('p', sine.map((v) => v + 2), sine.map((v) => v + 2), 10, 'auto').scaling.kind).toBe('ratio');
    expect(fitScaling('s', sine, sine, 10, 'auto').scaling.kind).toBe('standard');
    expect(fitScaling('w', walk, walk, 10, 'auto').scaling.kind).toBe('diff');
    expect(() => fitScaling('s', sine, sine, 10, 'ratio')).toThrow(/--scaling ratio needs 's' > 0 everywhere/);
    expect(() => fitScaling('c', [3, 3, 3, 4], [3, 3, 3], 2, 'auto')).toThrow(/'c' is constant over the training span/);
    const stretch = [...Array(50).fill(5), 6, 7];
    expect(fitScaling('k', stretch, stretch, 5, 'diff').scaling.scale).toBeGreaterThan(0);
  });
});

describe('baselines and verdicts', () => {
  it('detects a season from the changes, not a trend, and none in noise', () => {
    const seasonal = Array.from({ length: 300 }, (_, i) => 0.5 * i + 10 * Math.sin((2 * Math.PI * i) / 12));
    expect(detectSeason(seasonal)?.length).toBe(12);
    let state = 7;
    const noise = Array.from({ length: 300 }, () => ((state = (state * 16807) % 2147483647) / 2147483647) - 0.5);
    expect(detectSeason(noise)).toBeNull();
  });

  it('Diebold–Mariano: equal losses are a tie, consistently lower losses are significant', () => {
    const a = Array.from({ length: 50 }, (_, i) => 1 + (i % 5) * 0.1);
    expect(dieboldMariano(a, a, 1).pValue).toBe(1);
    const better = a.map((v, i) => v - 0.3 - (i % 3) * 0.05);
    const dm = dieboldMariano(better, a, 1);
    expect(dm.statistic).toBeLessThan(0);
    expect(dm.pValue).toBeLessThan(0.001);
  });

  it('a verdict on fewer than 10 windows is inconclusive, whatever the margin', () => {
    const actual = [1, 2, 3];
    const model = { predicted: [1, 2, 3.1], metrics: errorMetrics([1, 2, 3.1], actual) };
    const naive = { predicted: [0, 1, 2], metrics: errorMetrics([0, 1, 2], actual) };
    const v = verdict('the naive baseline', model, naive, actual, 1);
    expect(v.outcome).toBe('too-few');
    expect(v.text).toMatch(/^inconclusive against the naive baseline: 3 windows are too few to tell/);
  });

  it('MAPE only where every actual value is above 0', () => {
    expect(errorMetrics([1, 2], [2, 2]).mape).toBeCloseTo(25, 10);
    expect(errorMetrics([1, 2], [0, 2]).mape).toBeNull();
  });
});

describe('dates and numbers', () => {
  it('cadences: days, business days over a holiday, month ends', () => {
    expect(detectCadence([day(2020, 1, 1), day(2020, 1, 2), day(2020, 1, 3)])?.description).toBe('days');
    const business = detectCadence([day(2020, 4, 8), day(2020, 4, 9), day(2020, 4, 13), day(2020, 4, 14)])!;
    expect(business.description).toBe('business days');
    expect(futureDates(day(2020, 4, 17), business, 2)).toEqual([day(2020, 4, 20), day(2020, 4, 21)]);
    const ends = detectCadence([day(2019, 11, 30), day(2019, 12, 31), day(2020, 1, 31)])!;
    expect(ends.description).toBe('months');
    expect(futureDates(day(2020, 1, 31), ends, 2)).toEqual([day(2020, 2, 29), day(2020, 3, 31)]);
    expect(detectCadence([day(2020, 1, 1), day(2020, 1, 2), day(2020, 1, 9), day(2020, 1, 20)])).toBeNull();
  });

  it('never prints -0, and picks decimals from the size of the numbers', () => {
    expect(formatNumber(-0.00001, 2)).toBe('0.00');
    expect(formatNumber(-0, 0)).toBe('0');
    expect(formatNumber(-1.5, 1)).toBe('-1.5');
    expect(decimalsFor(31.3)).toBe(2);
    expect(decimalsFor(0.05)).toBe(5);
  });
});
