import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors';
import { Dense } from '../../src/layers/dense';
import { GRU } from '../../src/layers/gru';
import { LSTM } from '../../src/layers/lstm';
import { Sequential } from '../../src/model/sequential';
import { Random } from '../../src/random';
import { Tensor } from '../../src/tensor';
import { tensorBits } from './fixtures';
import type { Callback } from '../../src/train/callbacks';
import type { CompileOptions } from '../../src/model/compile';

/** Random data: `[n, 5, 3]` inputs and `[n, 2]` targets. */
function data(n: number, seed: number): { x: Tensor; y: Tensor } {
  const rng = new Random(seed);
  const x = Float32Array.from({ length: n * 15 }, () => rng.uniform(-1, 1));
  const y = Float32Array.from({ length: n * 2 }, () => rng.uniform(-1, 1));
  return { x: new Tensor(x, [n, 5, 3]), y: new Tensor(y, [n, 2]) };
}

/** LSTM → GRU → Dense, the stacked model `predict` during `fit` used to break. */
function stacked(): Sequential {
  const model = new Sequential(
    [new LSTM({ units: 6, returnSequences: true, inputShape: [5, 3] }), new GRU({ units: 5 }), new Dense({ units: 2 })],
    { seed: 21 },
  );
  model.compile({ optimizer: { name: 'adam', learningRate: 0.01 }, loss: 'mse' });
  return model;
}


describe('calls on one model never mix', () => {
  it('overlapping trainOnBatch calls give exactly what the same calls one after the other give', async () => {
    const a = data(8, 1);
    const b = data(8, 2);
    const together = stacked();
    const losses = await Promise.all([together.trainOnBatch(a.x, a.y), together.trainOnBatch(b.x, b.y), together.trainOnBatch(a.x, a.y)]);
    const inTurn = stacked();
    const expected = [await inTurn.trainOnBatch(a.x, a.y), await inTurn.trainOnBatch(b.x, b.y), await inTurn.trainOnBatch(a.x, a.y)];
    expect(losses).toEqual(expected);
    expect(together.getWeights()).toEqual(inTurn.getWeights());
  });

  it('overlapping fit calls run in call order, as if awaited one by one', async () => {
    const a = data(24, 3);
    const b = data(24, 4);
    const options = { epochs: 2, batchSize: 8, verbose: 0 as const };
    const together = stacked();
    const histories = await Promise.all([together.fit(a.x, a.y, options), together.fit(b.x, b.y, options)]);
    const inTurn = stacked();
    const expected = [await inTurn.fit(a.x, a.y, options), await inTurn.fit(b.x, b.y, options)];
    expect(histories.map((h) => h.history.loss)).toEqual(expected.map((h) => h.history.loss));
    expect(together.getWeights()).toEqual(inTurn.getWeights());
  });

  it('predict during fit on a stacked model works, and each predict sees the weights of one step', async () => {
    const train = data(64, 5);
    const probe = data(40, 6).x; // 5 batches of 8: a predict spans several awaits
    const model = stacked();
    const snapshots: Float32Array[][] = [model.getWeights()];
    const recorder: Callback = { onBatchEnd: () => void snapshots.push(model.getWeights()) };
    let fitting = true;
    const fit = model.fit(train.x, train.y, { epochs: 3, batchSize: 8, verbose: 0, callbacks: [recorder] }).finally(() => (fitting = false));
    const results: Tensor[] = [];
    while (fitting) results.push(await model.predict(probe, { batchSize: 8 }));
    await fit;
    expect(results.length).toBeGreaterThan(0);
    // Every result equals, bit for bit, the prediction of one of the weight snapshots.
    const twin = stacked();
    const possible = new Set<string>();
    for (const weights of snapshots) {
      twin.setWeights(weights);
      possible.add(tensorBits(await twin.predict(probe, { batchSize: 8 })).join(','));
    }
    for (const r of results) expect(possible.has(tensorBits(r).join(','))).toBe(true);
  });

  it('evaluate during fit works, and fit trains exactly as it does alone', async () => {
    const train = data(48, 7);
    const alone = stacked();
    const options = { epochs: 2, batchSize: 8, verbose: 0 as const };
    const expected = await alone.fit(train.x, train.y, options);
    const model = stacked();
    let fitting = true;
    const fit = model.fit(train.x, train.y, options).finally(() => (fitting = false));
    while (fitting) expect(Number.isFinite((await model.evaluate(train.x, train.y, { batchSize: 8 })).loss)).toBe(true);
    expect((await fit).history.loss).toEqual(expected.history.loss);
    expect(model.getWeights()).toEqual(alone.getWeights());
  });

  it('many predicts at once (a server) each get their own, correct result', async () => {
    const model = stacked();
    const inputs = Array.from({ length: 24 }, (_, i) => data(3 + (i % 5), 100 + i).x);
    const together = await Promise.all(inputs.map((x) => model.predict(x, { batchSize: 2 })));
    for (let i = 0; i < inputs.length; i++) expect(tensorBits(together[i])).toEqual(tensorBits(await model.predict(inputs[i], { batchSize: 2 })));
  });

  it('on a stateful model, predict waits for fit to end: they share the carried states', async () => {
    const model = new Sequential([new LSTM({ units: 4, stateful: true, inputShape: [5, 3] }), new Dense({ units: 2 })], { seed: 3 });
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const train = data(16, 8);
    const order: string[] = [];
    const fit = model.fit(train.x, train.y, { epochs: 2, batchSize: 4, verbose: 0, shuffle: false }).then(() => order.push('fit'));
    const predict = model.predict(data(4, 9).x, { batchSize: 4 }).then(() => order.push('predict'));
    await Promise.all([fit, predict]);
    expect(order).toEqual(['fit', 'predict']);
  });
});

describe('what cannot wait is refused with a clear error', () => {
  it('fit from inside a fit callback is a ConfigError; predict and setWeights from a callback work', async () => {
    const train = data(16, 10);
    const model = stacked();
    const nested: Callback = {
      onEpochEnd: async () => {
        await model.predict(train.x); // runs at once, as part of the callback
        model.setWeights(model.getWeights());
        await model.fit(train.x, train.y, { verbose: 0 });
      },
    };
    await expect(model.fit(train.x, train.y, { epochs: 1, batchSize: 8, verbose: 0, callbacks: [nested] })).rejects.toThrow(
      new ConfigError(`${model.name}: cannot call fit while its fit runs (from a callback?); it would wait for itself`),
    );
  });

  it('compile from a training callback may change the optimizer, not the loss the targets were checked for', async () => {
    const train = data(16, 10);
    const model = stacked();
    const lossBefore = model.compileConfig!.loss;
    let changedOptimizer = false;
    const recompile: Callback = {
      onEpochEnd: async (epoch) => {
        if (epoch === 0) {
          model.compile({ optimizer: 'sgd', loss: lossBefore as CompileOptions['loss'] });
          changedOptimizer = true;
        } else {
          model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
        }
      },
    };
    await expect(model.fit(train.x, train.y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [recompile] })).rejects.toThrow(
      new ConfigError(`${model.name}: cannot change the loss while fit runs (its targets were checked for mse); compile with the new loss once it has ended`),
    );
    expect(changedOptimizer).toBe(true);
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' }); // idle again: any loss
  });

  it('setWeights, loadStateDict or compile while a call runs is a ConfigError naming it', async () => {
    const model = stacked();
    const running = model.predict(data(64, 11).x, { batchSize: 4 });
    expect(() => model.setWeights(model.getWeights())).toThrow(/cannot set its weights while 1 predict\/evaluate call\(s\) runs on it/);
    await running;
    const fit = model.fit(data(16, 12).x, data(16, 12).y, { epochs: 1, batchSize: 4, verbose: 0 });
    await Promise.resolve();
    expect(() => model.loadStateDict(model.stateDict())).toThrow(/cannot load weights into it while fit runs/);
    expect(() => model.compile({ optimizer: 'sgd', loss: 'mse' })).toThrow(/cannot compile it while fit runs/);
    await fit;
    model.setWeights(model.getWeights()); // idle again
  });
});
