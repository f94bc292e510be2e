import { describe, expect, it } from 'vitest';
import { Dense } from '../../src/layers/dense';
import { Embedding } from '../../src/layers/embedding';
import { GRU } from '../../src/layers/gru';
import { LSTM } from '../../src/layers/lstm';
import { Sequential } from '../../src/model/sequential';
import { Random } from '../../src/random';

describe('Sequential with recurrent layers', () => {
  it('LSTM → Dense learns the mean of a short sequence', async () => {
    const rng = new Random(5);
    const x: number[][][] = [];
    const y: number[][] = [];
    for (let i = 0; i < 48; i++) {
      const seq = Array.from({ length: 5 }, () => [rng.uniform(-1, 1)]);
      x.push(seq);
      y.push([seq.reduce((s, v) => s + v[0], 0) / 5]);
    }
    const model = new Sequential([new LSTM({ units: 6, inputShape: [5, 1] }), new Dense({ units: 1 })], { seed: 1 });
    model.compile({ optimizer: { name: 'adam', learningRate: 0.03 }, loss: 'mse' });
    const history = await model.fit(x, y, { epochs: 25, batchSize: 16, verbose: 0 });
    expect(history.history.loss[24]).toBeLessThan(history.history.loss[0] * 0.3);
    expect((await model.predict(x)).shape).toEqual([48, 1]);
  });

  it('Embedding(maskZero) → GRU: padded steps do not change the prediction', async () => {
    const model = new Sequential(
      [new Embedding({ inputDim: 6, outputDim: 4, maskZero: true }), new GRU({ units: 3 }), new Dense({ units: 1 })],
      { seed: 2 },
    );
    // Post-padding with 0: the GRU carries its state through masked steps.
    const a = await model.predict([[3, 5, 2, 0, 0]]);
    const b = await model.predict([[3, 5, 2, 0, 0, 0, 0]]);
    const c = await model.predict([[3, 5, 4, 0, 0]]);
    expect(Math.abs(a.data[0] - b.data[0])).toBeLessThan(1e-6);
    expect(Math.abs(a.data[0] - c.data[0])).toBeGreaterThan(1e-6);
  });
});
