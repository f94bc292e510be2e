import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main as nameClassifier } from '../src/name-classifier';
import { main as nameGenerator } from '../src/name-generator';
import { DEFAULT_CSV, PriceModel, main as stockForecast } from '../src/stock-forecast';
import { Dense, Sequential, Tensor, readCsv } from '@rnn/core';
import { main as toyStacked } from '../src/toy-stacked';
import { tempDir } from '../../../test-support/temp-dirs';

// Smoke tests: each example end to end on a small slice for an epoch or two, so none of them rots.
// They check that the pieces fit and the reports are sane, not that the models are good.
const quiet = { log: () => {}, verbose: 0 as const };

describe('examples (short settings)', () => {
  for (const scaling of ['window', 'global'] as const) {
    it(`stock-forecast (${scaling} scaling): trains, reports RMSEs in index points, plots, and reloads bit-identically`, async () => {
      const out = tempDir('rnn-stock-');
      const r = await stockForecast({ ...quiet, scaling, epochs: 1, lastRows: 400, out });
      expect(r.scaling).toBe(scaling);
      expect(r.trainSamples + r.testSamples).toBe(400 - 10);
      expect(r.testSamples).toBe(Math.ceil(390 * 0.2));
      // Day-to-day moves of the S&P 500 in 2019–2020 are tens of points: a sane naive RMSE.
      // The naive RMSE, recomputed from the raw CSV: proves both sides of the RMSE are in index points.
      const closes = readCsv(DEFAULT_CSV, { column: 'close' }).slice(-r.testSamples - 1);
      const moves = closes.slice(1).map((c, i) => (c - closes[i]) ** 2);
      expect(r.naiveRmse).toBeCloseTo(Math.sqrt(moves.reduce((a, b) => a + b, 0) / moves.length), 2);
      expect(r.naiveRmse).toBeGreaterThan(5);
      expect(Number.isFinite(r.modelRmse)).toBe(true);
      expect(r.beatsNaive).toBe(r.modelRmse < r.naiveRmse);
      expect(r.improvementPercent).toBeCloseTo(((r.naiveRmse - r.modelRmse) / r.naiveRmse) * 100, 6);
      expect(r.naiveValLoss).toBeGreaterThan(0);
      expect(r.aboveTrainingMax).toBeGreaterThanOrEqual(0);
      expect(r.aboveTrainingMax).toBeLessThanOrEqual(1);
      expect(r.reloadIdentical).toBe(true);
      expect(r.nextFive).toHaveLength(5);
      // Index points, near the last close (2875 on 2020-04-17), whichever the scaling.
      for (const v of r.nextFive) expect(v).toBeGreaterThan(1000), expect(v).toBeLessThan(6000);
      for (const p of r.plots) expect(readFileSync(p, 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>$/);
      expect(existsSync(join(r.modelDir, 'weights.bin'))).toBe(true);
    });
  }

  it('stock-forecast: window scaling is percent moves from the last close, and maps back exactly', () => {
    const x = new Tensor(Float32Array.from([100, 102, 98, 100, 2000, 2100, 1900, 2000]), [2, 4, 1]);
    const y = new Tensor(Float32Array.from([101, 1980]), [2, 1]);
    const pm = new PriceModel(new Sequential([new Dense({ units: 1, inputShape: [4] })]), { scaling: 'window', window: 4, factor: 100 });
    // The same shape at any price level gives the same inputs: what lets the model outgrow its training range.
    expect(Array.from(pm.scaleInputs(x).data)).toEqual(Array.from(Float32Array.from([0, 2, -2, 0, 0, 5, -5, 0])));
    const t = pm.scaleTargets(x, y);
    expect(t.data[0]).toBeCloseTo(1, 5);
    expect(t.data[1]).toBeCloseTo(-1, 5);
    const back = pm.unscale(x, t).data;
    expect(back[0]).toBeCloseTo(101, 3);
    expect(back[1]).toBeCloseTo(1980, 2);
  });

  it('toy-stacked: SimpleRNN → LSTM → GRU trains on [5, 5, 1] and lowers its loss', async () => {
    const r = await toyStacked({ epochs: 30, log: () => {} });
    expect(r.rows).toHaveLength(5);
    expect(r.rows[0].input).toEqual([1, 0, 1, 1, 0]);
    expect(r.finalLoss).toBeLessThan(r.initialLoss);
    for (const row of r.rows) expect(row.predicted).toBeGreaterThan(0), expect(row.predicted).toBeLessThan(1);
  });

  it('name-classifier: reports held-out accuracy next to the majority baseline', async () => {
    const r = await nameClassifier({ ...quiet, epochs: 1, limit: 400 });
    expect(r.trainNames + r.testNames).toBe(400);
    expect(r.accuracy).toBeGreaterThanOrEqual(0);
    expect(r.accuracy).toBeLessThanOrEqual(1);
    expect(r.majorityBaseline).toBeGreaterThanOrEqual(0.5 - 0.15); // the lists are roughly 55/45
    for (const e of r.examples) expect(e.pFemale).toBeGreaterThan(0), expect(e.pFemale).toBeLessThan(1);
  });

  it('name-generator: samples lower-case names', async () => {
    const r = await nameGenerator({ ...quiet, epochs: 1, limit: 300, count: 3 });
    expect(r.samples).toHaveLength(3);
    for (const s of r.samples) expect(s).toMatch(/^[a-z' -]{0,13}$/);
    expect(Number.isFinite(r.finalLoss)).toBe(true);
  });
});
