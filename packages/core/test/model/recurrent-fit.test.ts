import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/errors';
import { Dense } from '../../src/layers/dense';
import { Embedding } from '../../src/layers/embedding';
import { GRU } from '../../src/layers/gru';
import { LSTM } from '../../src/layers/lstm';
import { Sequential } from '../../src/model/sequential';
import { Random } from '../../src/random';
import { Tensor } from '../../src/tensor';

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

describe('stateful fit', () => {
  it('refuses, before any batch trains, a batch size that leaves a short last batch', async () => {
    const model = new Sequential([new LSTM({ units: 3, stateful: true, inputShape: [4, 2], name: 'carry' }), new Dense({ units: 1 })], { seed: 2 });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = new Tensor(new Float32Array(10 * 4 * 2).fill(0.5), [10, 4, 2]);
    const y = new Tensor(new Float32Array(10).fill(1), [10, 1]);
    const before = model.getWeights();
    await expect(model.fit(x, y, { batchSize: 4, epochs: 1, verbose: 0, shuffle: false })).rejects.toThrow(
      new ShapeError('fit: carry is stateful, so every batch must hold batchSize = 4 samples, but the 10 training samples leave a last batch of 2; give a batchSize that divides 10'),
    );
    await expect(model.fit(x, y, { batchSize: 4, epochs: 1, verbose: 0, shuffle: false, validationSplit: 0.2 })).rejects.toThrow(/the 2 validation samples leave a last batch of 2/);
    expect(model.getWeights()).toEqual(before);
    await model.fit(x, y, { batchSize: 5, epochs: 1, verbose: 0, shuffle: false });
    expect(model.getWeights()).not.toEqual(before);
  });
});
