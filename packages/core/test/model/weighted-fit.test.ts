import { describe, expect, it } from 'vitest';

// The masked-loss comparisons run on the pure-TypeScript backend (each test file is its own process).
process.env.RNN_BACKEND = 'fallback';

import { backendInfo, getBackend } from '../../src/backend/select';
import { ConfigError, DataError } from '../../src/errors';
import { Dense } from '../../src/layers/dense';
import { Embedding } from '../../src/layers/embedding';
import type { Layer, RunContext } from '../../src/layers/layer';
import { Bidirectional } from '../../src/layers/bidirectional';
import { LSTM } from '../../src/layers/lstm';
import { forwardLayers } from '../../src/model/layer-pass';
import { Sequential } from '../../src/model/sequential';
import { trainStep } from '../../src/model/train-step';
import { Random } from '../../src/random';
import { Tensor } from '../../src/tensor';
import type { Loss } from '../../src/train/losses';
import type { Optimizer } from '../../src/train/optimizers';
import { expectAllClose, t } from '../train/helpers';
import { linearData, smallModel } from './fixtures';

const ctx = (training: boolean): RunContext => ({ backend: getBackend(), training, rng: new Random(1) });

/** An optimizer that leaves the weights alone, so `trainStep` only computes loss and gradients. */
const noStep = { name: 'none', learningRate: 0, step: () => undefined } as unknown as Optimizer;

/** Embedding(maskZero) → LSTM(returnSequences) → Dense per step. */
function maskedModel(loss: 'mse'): Sequential {
  const model = new Sequential(
    [new Embedding({ inputDim: 7, outputDim: 3, maskZero: true }), new LSTM({ units: 4, returnSequences: true }), new Dense({ units: 2 })],
    { seed: 11 },
  );
  model.build([null]);
  model.compile({ optimizer: 'sgd', loss, metrics: ['mae'] });
  return model;
}

/** Loss and a copy of every parameter gradient for one batch. */
async function lossAndGrads(model: Sequential, x: Tensor, y: Tensor, sampleWeight: Tensor | null = null) {
  const weights = sampleWeight && { option: 'sampleWeight' as const, values: sampleWeight };
  const result = await trainStep({ layers: model.layers, params: model.parameters(), loss: model.loss, optimizer: noStep }, x, y, weights, ctx(true), 'test');
  return { loss: result.loss, grads: model.parameters().map((p) => p.grad.slice()) };
}

describe('masked per-step loss (Keras 3: Σ w·l / unmasked rows)', () => {
  // Sample A has 3 real steps; sample B has 2, padded with id 0 and a garbage target.
  const padded = t([[3, 5, 2], [4, 1, 0]]);
  const target = t([[[0.5, -0.2], [0.1, 0.3], [-0.4, 0.9]], [[0.7, 0.0], [-0.3, 0.6], [100, -100]]]);
  const xA = t([[3, 5, 2]]);
  const yA = t([[[0.5, -0.2], [0.1, 0.3], [-0.4, 0.9]]]);
  const xB = t([[4, 1]]);
  const yB = t([[[0.7, 0.0], [-0.3, 0.6]]]);

  it('loss and every gradient equal those of the unpadded sequences alone', async () => {
    expect(backendInfo().reason).toBe('RNN_BACKEND=fallback');
    const model = maskedModel('mse');
    const masked = await lossAndGrads(model, padded, target);
    const a = await lossAndGrads(model, xA, yA);
    const b = await lossAndGrads(model, xB, yB);
    // Each alone is a mean over its own steps; together the mean runs over the 5 real steps.
    expect(masked.loss).toBeCloseTo((3 * a.loss + 2 * b.loss) / 5, 6);
    masked.grads.forEach((g, i) => {
      const expected = g.map((_, k) => (3 * a.grads[i][k] + 2 * b.grads[i][k]) / 5);
      expectAllClose(g, expected, 1e-6, 1e-4);
    });
  });

  it('evaluate: loss and metrics count real steps only', async () => {
    const model = maskedModel('mse');
    const logs = await model.evaluate(padded, target);
    const la = await model.evaluate(xA, yA);
    const lb = await model.evaluate(xB, yB);
    expect(logs.loss).toBeCloseTo((3 * la.loss + 2 * lb.loss) / 5, 6);
    expect(logs.mae).toBeCloseTo((3 * la.mae + 2 * lb.mae) / 5, 6);
  });

  it('sparse class ids: a placeholder id on a padded step is ignored by loss and accuracy', async () => {
    const model = new Sequential(
      [new Embedding({ inputDim: 7, outputDim: 3, maskZero: true }), new LSTM({ units: 4, returnSequences: true }), new Dense({ units: 3 })],
      { seed: 3 },
    );
    model.build([null]);
    model.compile({ optimizer: 'sgd', loss: { name: 'sparseCategoricalCrossentropy', fromLogits: true }, metrics: ['accuracy'] });
    const logs = await model.evaluate(padded, t([[0, 2, 1], [1, 1, -1]]));
    const la = await model.evaluate(xA, t([[0, 2, 1]]));
    const lb = await model.evaluate(xB, t([[1, 1]]));
    expect(logs.loss).toBeCloseTo((3 * la.loss + 2 * lb.loss) / 5, 6);
    expect(logs.accuracy).toBeCloseTo((3 * la.accuracy + 2 * lb.accuracy) / 5, 6);
  });

  it('the target check reads the mask the output carries: flipped after a goBackwards sequence, through a Bidirectional as it came', async () => {
    const make = (recurrent: Layer) => {
      const model = new Sequential([new Embedding({ inputDim: 5, outputDim: 3, maskZero: true, inputShape: [3] }), recurrent, new Dense({ units: 3, activation: 'softmax' })], { seed: 3 });
      model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
      return model;
    };
    const x = [[1, 2, 0]]; // the last input step is padding
    // goBackwards: output step 0 is the padded input step, in processing order.
    const backwards = make(new LSTM({ units: 4, returnSequences: true, goBackwards: true }));
    await expect(backwards.evaluate(x, [[99, 1, 0]])).resolves.toBeDefined();
    await expect(backwards.fit(x, [[0, 1, 99]], { epochs: 1, verbose: 0 })).rejects.toThrow(/y holds 99 at sample 0, step 2; sparseCategoricalCrossentropy needs integer class ids in \[0, 3\)/);
    backwards.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const rows = (last: number[]) => [[[0, 0, 1], [0, 1, 0], last]]; // [1, 3 steps, 3 classes]
    await expect(backwards.fit(x, rows([5, 0, 0]), { epochs: 1, verbose: 0 })).rejects.toThrow(/y holds 5 at sample 0, position \[2, 0\]/);
    await expect(backwards.fit(x, [[[5, 0, 0], [0, 1, 0], [1, 0, 0]]], { epochs: 1, verbose: 0 })).resolves.toBeDefined();
    // Bidirectional hands both directions back in input order: the last step is the padded one.
    const both = make(new Bidirectional({ layer: new LSTM({ units: 2, returnSequences: true, goBackwards: false }) }));
    await expect(both.evaluate(x, [[0, 1, 99]])).resolves.toBeDefined();
    await expect(both.evaluate(x, [[99, 1, 0]])).rejects.toThrow(/y holds 99 at sample 0, step 0/);
  });

  it('per-step sampleWeight [batch, steps] combines with the mask: Σ sw·l / real steps', async () => {
    const model = maskedModel('mse');
    const sw = t([[1, 2, 0.5], [3, 1, 7]]); // the 7 sits on a padded step
    const { y: pred } = await forwardLayers(model.layers, padded, ctx(false));
    let sum = 0;
    for (const [b, s, w] of [[0, 0, 1], [0, 1, 2], [0, 2, 0.5], [1, 0, 3], [1, 1, 1]]) {
      const i = (b * 3 + s) * 2;
      sum += (w * ((pred.data[i] - target.data[i]) ** 2 + (pred.data[i + 1] - target.data[i + 1]) ** 2)) / 2;
    }
    expect((await lossAndGrads(model, padded, target, sw)).loss).toBeCloseTo(sum / 5, 6);
    expect((await model.evaluate(padded, target, { sampleWeight: sw })).loss).toBeCloseTo(sum / 5, 6);
    // A [batch] weight applies to every step of its sample.
    const perSample = await lossAndGrads(model, padded, target, t([2, 2]));
    expect(perSample.loss).toBeCloseTo(2 * (await lossAndGrads(model, padded, target)).loss, 6);
  });
});

describe('sampleWeight and classWeight', () => {
  it('trainOnBatch and evaluate: Σ w·(p − y)² / n against the predictions', async () => {
    const { x, y } = linearData(5, 4);
    const model = smallModel(7);
    const w = [0.5, 2, 0, 1, 3];
    const pred = await model.predict(x);
    const expected = w.reduce((s, wi, i) => s + wi * (pred.data[i] - y.data[i]) ** 2, 0) / 5;
    expect((await model.evaluate(x, y, { sampleWeight: w })).loss).toBeCloseTo(expected, 6);
    expect(await model.trainOnBatch(x, y, { sampleWeight: w })).toBeCloseTo(expected, 6);
  });

  it('classWeight (sparse ids) trains exactly like the sample weights it maps to; unlisted classes weigh 1', async () => {
    const x = [[0.1, 0.5], [0.9, -0.2], [-0.4, 0.3], [0.2, 0.2]];
    const ids = [0, 2, 1, 2];
    const build = (): Sequential => {
      const m = new Sequential([new Dense({ units: 3, inputShape: [2] })], { seed: 5 });
      m.compile({ optimizer: { name: 'sgd', learningRate: 0.5 }, loss: { name: 'sparseCategoricalCrossentropy', fromLogits: true } });
      return m;
    };
    const a = build();
    const b = build();
    const la = await a.trainOnBatch(x, ids, { classWeight: { 0: 2, 2: 0.25 } });
    const lb = await b.trainOnBatch(x, ids, { sampleWeight: [2, 0.25, 1, 0.25] });
    expect(la).toBe(lb);
    a.getWeights().forEach((wa, i) => expect(Array.from(wa)).toEqual(Array.from(b.getWeights()[i])));
    // fit: identical histories (same seed, same shuffling).
    const ha = await build().fit(x, ids, { epochs: 3, batchSize: 2, verbose: 0, classWeight: { 0: 2, 2: 0.25 } });
    const hb = await build().fit(x, ids, { epochs: 3, batchSize: 2, verbose: 0, sampleWeight: [2, 0.25, 1, 0.25] });
    expect(ha.history.loss).toEqual(hb.history.loss);
  });

  it('classWeight reads one-hot targets by argmax and binary targets by their 0/1 label', async () => {
    const x = [[0.1, 0.5], [0.9, -0.2], [-0.4, 0.3]];
    const onehot = new Sequential([new Dense({ units: 3, inputShape: [2] })], { seed: 5 });
    onehot.compile({ optimizer: 'sgd', loss: { name: 'categoricalCrossentropy', fromLogits: true } });
    const y = [[0, 0, 1], [1, 0, 0], [0, 1, 0]];
    expect((await onehot.evaluate(x, y, { sampleWeight: [3, 0.5, 1] })).loss).toBeCloseTo(
      await onehot.trainOnBatch(x, y, { classWeight: { 2: 3, 0: 0.5 } }),
      6,
    );
    const binary = new Sequential([new Dense({ units: 1, activation: 'sigmoid', inputShape: [2] })], { seed: 5 });
    binary.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    const labels = [[1], [0], [1]];
    const p = (await binary.predict(x)).data;
    const bce = (q: number, l: number): number => -(l * Math.log(q) + (1 - l) * Math.log(1 - q));
    const expected = (4 * bce(p[0], 1) + 1 * bce(p[1], 0) + 4 * bce(p[2], 1)) / 3;
    expect(await binary.trainOnBatch(x, labels, { classWeight: { 1: 4 } })).toBeCloseTo(expected, 6);
  });

  it('validationSplit carries the sample weights of the held-out samples into val_loss', async () => {
    const { x, y } = linearData(10, 2);
    const w = [1, 2, 3, 1, 2, 3, 1, 2, 0.5, 4];
    const model = smallModel(3);
    const history = await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, sampleWeight: w, validationSplit: 0.2 });
    // The last 20% (2 samples) are held out with their weights 0.5 and 4.
    const vx = new Tensor(x.data.slice(24), [2, 3]);
    const vy = new Tensor(y.data.slice(8), [2, 1]);
    expect(history.history.val_loss[0]).toBeCloseTo((await model.evaluate(vx, vy, { sampleWeight: [0.5, 4] })).loss, 6);
    const withData = await model.fit(x, y, { epochs: 1, verbose: 0, validationData: [vx, vy, [0.5, 4]], shuffle: false });
    expect(withData.history.val_loss[0]).toBeCloseTo((await model.evaluate(vx, vy, { sampleWeight: [0.5, 4] })).loss, 6);
  });
});

describe('weight errors', () => {
  const { x, y } = linearData(4, 1);
  const fit = (options: Record<string, unknown>, model = smallModel(1)) => model.fit(x, y, { verbose: 0, ...options });

  it('sampleWeight: wrong length, negative, NaN, Infinity, wrong rank → DataError naming the option', async () => {
    await expect(fit({ sampleWeight: [1, 2, 3] })).rejects.toThrow(/sampleWeight must hold one weight per sample \(4\), got 3/);
    await expect(fit({ sampleWeight: [1, -2, 3, 1] })).rejects.toThrow(DataError);
    await expect(fit({ sampleWeight: [1, Number.NaN, 3, 1] })).rejects.toThrow(/sampleWeight must be finite and >= 0, got NaN/);
    await expect(fit({ sampleWeight: [1, 1, Infinity, 1] })).rejects.toThrow(DataError);
    await expect(fit({ sampleWeight: [[[1]], [[1]], [[1]], [[1]]] })).rejects.toThrow(/sampleWeight must be \[batch\] or \[batch, steps\]/);
    await expect(smallModel(1).evaluate(x, y, { sampleWeight: [1] })).rejects.toThrow(/evaluate: sampleWeight/);
    await expect(smallModel(1).trainOnBatch(x, y, { sampleWeight: [1, 1, 1, -1] })).rejects.toThrow(/trainOnBatch: sampleWeight/);
    await expect(fit({ validationData: [x, y, [1, 1]] })).rejects.toThrow(/validationData sampleWeight/);
  });

  it('per-step weights that do not fit the output rows → DataError', async () => {
    await expect(fit({ sampleWeight: [[1, 1], [1, 1], [1, 1], [1, 1]] })).rejects.toThrow(
      /sampleWeight has 2 weights per sample, but the model's output \[4, 1\] has 1 rows per sample/,
    );
  });

  it('classWeight: negative or non-finite weights → DataError; bad keys, non-objects → ConfigError', async () => {
    const model = new Sequential([new Dense({ units: 3, inputShape: [3] })], { seed: 1 });
    model.compile({ optimizer: 'sgd', loss: { name: 'sparseCategoricalCrossentropy', fromLogits: true } });
    const ids = [0, 1, 2, 1];
    await expect(model.fit(x, ids, { verbose: 0, classWeight: { 1: -1 } })).rejects.toThrow(/classWeight\[1\] must be a finite number >= 0/);
    await expect(model.fit(x, ids, { verbose: 0, classWeight: { 0: Number.NaN } })).rejects.toThrow(DataError);
    await expect(model.fit(x, ids, { verbose: 0, classWeight: { a: 1 } as never })).rejects.toThrow(ConfigError);
    await expect(model.fit(x, ids, { verbose: 0, classWeight: { '-1': 1 } as never })).rejects.toThrow(/keys must be class ids/);
    await expect(model.fit(x, ids, { verbose: 0, classWeight: [1, 2] as never })).rejects.toThrow(ConfigError);
    await expect(model.trainOnBatch(x, ids, { classWeight: 'balanced' as never })).rejects.toThrow(ConfigError);
  });

  it('classWeight with a regression loss, or with sampleWeight → ConfigError', async () => {
    await expect(fit({ classWeight: { 0: 1 } })).rejects.toThrow(/classWeight needs a classification loss .* the model's loss is 'mse'/);
    const custom: Loss = { name: 'custom', compute: () => 0 };
    const model = new Sequential([new Dense({ units: 1, inputShape: [3] })], { seed: 1 });
    model.compile({ optimizer: 'sgd', loss: custom });
    await expect(model.trainOnBatch(x, y, { classWeight: { 0: 1 } })).rejects.toThrow(ConfigError);
    await expect(fit({ sampleWeight: [1, 1, 1, 1], classWeight: { 0: 1 } })).rejects.toThrow(/sampleWeight or classWeight, not both/);
  });
});
