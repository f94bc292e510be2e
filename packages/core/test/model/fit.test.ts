import { describe, expect, it, vi } from 'vitest';
import { TrainingDivergedError } from '../../src/errors';
import { Dense } from '../../src/layers/dense';
import { Dropout } from '../../src/layers/dropout';
import { Sequential } from '../../src/model/sequential';
import type { Callback } from '../../src/train/callbacks';
import { linearData, smallModel } from './fixtures';

describe('Sequential.fit', () => {
  it('reduces the loss on a small regression problem', async () => {
    const { x, y } = linearData(64);
    const model = smallModel(1);
    const before = (await model.evaluate(x, y)).loss;
    const history = await model.fit(x, y, { epochs: 30, batchSize: 16, verbose: 0 });
    const losses = history.history.loss;
    expect(losses).toHaveLength(30);
    expect(losses[29]).toBeLessThan(losses[0] * 0.1);
    const after = await model.evaluate(x, y);
    expect(after.loss).toBeLessThan(before * 0.05);
    expect(after.mae).toBeGreaterThan(0);
    expect(Object.keys(after).sort()).toEqual(['loss', 'mae']);
  });

  it('is reproducible: same seed → identical trained weights, different seed → different', async () => {
    const { x, y } = linearData(40);
    const train = async (seed: number) => {
      const model = new Sequential(
        [new Dense({ units: 6, activation: 'relu', inputShape: [3] }), new Dropout({ rate: 0.2 }), new Dense({ units: 1 })],
        { seed },
      );
      model.compile({ optimizer: 'adam', loss: 'mse' });
      await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0 });
      return model.getWeights();
    };
    const a = await train(42);
    expect(await train(42)).toEqual(a);
    expect(await train(43)).not.toEqual(a);
  });

  it('validationSplit holds out the LAST fraction before shuffling and reports val_loss', async () => {
    const { x, y } = linearData(20);
    const model = smallModel(2);
    const history = await model.fit(x, y, { epochs: 2, batchSize: 4, validationSplit: 0.25, verbose: 0 });
    expect(history.history.val_loss).toHaveLength(2);
    expect(history.history.val_mae).toHaveLength(2);
    // The last 5 samples are the validation set: evaluating them now gives the last val_loss.
    const lastFive = await model.evaluate(
      { data: x.data.slice(15 * 3), shape: [5, 3] },
      { data: y.data.slice(15), shape: [5, 1] },
    );
    expect(lastFive.loss).toBeCloseTo(history.history.val_loss[1], 6);
  });

  it('validationData is evaluated after every epoch', async () => {
    const { x, y } = linearData(16);
    const val = linearData(6, 99);
    const model = smallModel(3);
    const history = await model.fit(x, y, { epochs: 3, batchSize: 8, validationData: [val.x, val.y], verbose: 0 });
    expect(history.history.val_loss).toHaveLength(3);
    expect((await model.evaluate(val.x, val.y)).loss).toBeCloseTo(history.history.val_loss[2], 6);
  });

  it('calls callbacks in order with the model as TrainingControl', async () => {
    const { x, y } = linearData(10);
    const model = smallModel(4);
    const events: string[] = [];
    let control: unknown = null;
    const recorder: Callback = {
      setModel: (ctl) => {
        control = ctl;
      },
      onTrainBegin: () => void events.push('trainBegin'),
      onEpochBegin: (epoch) => void events.push(`epochBegin ${epoch}`),
      onBatchBegin: (batch) => void events.push(`batchBegin ${batch}`),
      onBatchEnd: async (batch, logs) => {
        await new Promise((r) => setTimeout(r, 1)); // async callbacks are awaited
        events.push(`batchEnd ${batch} ${Number.isFinite(logs?.loss) ? 'loss' : 'no loss'}`);
      },
      onEpochEnd: (epoch, logs) => void events.push(`epochEnd ${epoch} ${Object.keys(logs ?? {}).sort().join(',')}`),
      onTrainEnd: () => void events.push('trainEnd'),
    };
    await model.fit(x, y, { epochs: 2, batchSize: 6, callbacks: [recorder], verbose: 0 });
    expect(control).toBe(model);
    expect(events).toEqual([
      'trainBegin',
      'epochBegin 0',
      'batchBegin 0',
      'batchEnd 0 loss',
      'batchBegin 1',
      'batchEnd 1 loss',
      'epochEnd 0 loss,mae',
      'epochBegin 1',
      'batchBegin 0',
      'batchEnd 0 loss',
      'batchBegin 1',
      'batchEnd 1 loss',
      'epochEnd 1 loss,mae',
      'trainEnd',
    ]);
  });

  it('stops after the current batch when a callback sets stopTraining', async () => {
    const { x, y } = linearData(32);
    const model = smallModel(5);
    let batches = 0;
    const stopper: Callback = {
      onBatchEnd: () => {
        batches++;
        if (batches === 3) model.stopTraining = true;
      },
    };
    const history = await model.fit(x, y, { epochs: 5, batchSize: 4, callbacks: [stopper], verbose: 0 });
    expect(batches).toBe(3);
    expect(history.history.loss).toHaveLength(1);
  });

  it('throws TrainingDivergedError on a huge learning rate and leaves every weight finite', async () => {
    const { x, y } = linearData(32);
    const model = new Sequential([new Dense({ units: 4, inputShape: [3] }), new Dense({ units: 1 })], { seed: 6 });
    model.compile({ optimizer: { name: 'sgd', learningRate: 1e6 }, loss: 'mse' });
    await expect(model.fit(x, y, { epochs: 20, batchSize: 8, verbose: 0 })).rejects.toBeInstanceOf(TrainingDivergedError);
    for (const w of model.getWeights()) expect(w.every(Number.isFinite)).toBe(true);
    await expect(model.fit(x, y, { epochs: 20, batchSize: 8, verbose: 0 })).rejects.toThrow(/diverged at epoch \d+, batch \d+/);
  });

  it('trainOnBatch takes one optimizer step and returns the batch loss', async () => {
    const { x, y } = linearData(8);
    const model = smallModel(7);
    const before = model.getWeights();
    const expected = (await model.evaluate(x, y)).loss;
    const loss = await model.trainOnBatch(x, y);
    expect(loss).toBeCloseTo(expected, 6);
    expect(model.getWeights()).not.toEqual(before);
    const second = await model.trainOnBatch(x, y);
    expect(second).toBeLessThan(loss);
  });

  it('verbose 2 prints one line per epoch with the loss', async () => {
    const { x, y } = linearData(8);
    const model = smallModel(8);
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 2 });
    } finally {
      spy.mockRestore();
    }
    const text = lines.join('');
    expect(text.match(/loss/g)?.length).toBeGreaterThanOrEqual(2);
  });
});
