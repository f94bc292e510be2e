import { describe, expect, it, vi } from 'vitest';
import { ConfigError, ShapeError, StateDictError } from '../../src/errors';
import { BinaryCrossentropy } from '../../src/train/losses';
import { SGD } from '../../src/train/optimizers';
import { EarlyStopping, ReduceLROnPlateau, TerminateOnNaN, type Callback } from '../../src/train/callbacks';
import { ProgressLogger } from '../../src/train/progress-logger';
import { ModelCheckpoint } from '../../src/io/model-checkpoint';
import { Dense } from '../../src/layers/dense';
import { Embedding } from '../../src/layers/embedding';
import { LSTM } from '../../src/layers/lstm';
import { Sequential } from '../../src/model/sequential';
import { Tensor } from '../../src/tensor';
import { linearData, smallModel } from './fixtures';

describe('Sequential API', () => {
  it('predict in batches equals predict in one batch', async () => {
    const { x } = linearData(37);
    const model = smallModel(1);
    const all = await model.predict(x, { batchSize: 64 });
    const batched = await model.predict(x, { batchSize: 5 });
    expect(batched.shape).toEqual([37, 1]);
    expect(batched.data).toEqual(all.data);
  });

  it('stateDict keys are prefixed by layer index; loadStateDict round-trips', () => {
    const a = smallModel(1);
    const dict = a.stateDict();
    expect(Object.keys(dict)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    expect(dict['0.weight'].shape).toEqual([8, 3]);
    const b = smallModel(2);
    expect(b.getWeights()).not.toEqual(a.getWeights());
    b.loadStateDict(dict);
    expect(b.getWeights()).toEqual(a.getWeights());
  });

  it('loadStateDict names missing, extra and wrongly shaped keys, and changes nothing on error', () => {
    const model = smallModel(1);
    const dict = model.stateDict();
    const before = model.getWeights();
    const { ['1.bias']: _dropped, ...missing } = dict;
    expect(() => model.loadStateDict(missing)).toThrow(/missing keys '1\.bias'/);
    expect(() => model.loadStateDict({ ...dict, '2.weight': dict['1.weight'] })).toThrow(/unexpected keys '2\.weight'/);
    expect(() => model.loadStateDict({ ...dict, 'bias': dict['1.bias'] })).toThrow(StateDictError);
    const wrong = { ...dict, '1.weight': new Tensor(new Float32Array(9), [1, 9]), '0.bias': new Tensor(new Float32Array(8).fill(5), [8]) };
    expect(() => model.loadStateDict(wrong)).toThrow(/'1\.weight' has shape \[1, 9\], but layer 1 \(.*\) expects weight \[1, 8\]/);
    expect(model.getWeights()).toEqual(before);
  });

  it('getWeights returns copies; setWeights checks counts and lengths', () => {
    const model = smallModel(1);
    const w = model.getWeights();
    expect(w.map((a) => a.length)).toEqual([24, 8, 8, 1]);
    w[0][0] = 123;
    expect(model.getWeights()[0][0]).not.toBe(123);
    model.setWeights(w);
    expect(model.getWeights()[0][0]).toBe(123);
    expect(() => model.setWeights(w.slice(1))).toThrow(ShapeError);
    expect(() => model.setWeights([w[0], w[1], w[2], new Float32Array(2)])).toThrow(/weight 3 \(bias, shape \[1\]\) needs 1 values, got 2/);
  });

  it('non-finite weights are a StateDictError naming the weight, from setWeights and loadStateDict alike, and change nothing', () => {
    for (const model of [smallModel(1), new Sequential([new LSTM({ units: 3, inputShape: [4, 2] }), new Dense({ units: 1 })], { seed: 1 })]) {
      const before = model.getWeights();
      const last = before.length - 1;
      for (const bad of [Number.NaN, Infinity, -Infinity]) {
        const w = model.getWeights();
        w[last][0] = bad;
        expect(() => model.setWeights(w), String(bad)).toThrow(StateDictError);
        expect(() => model.setWeights(w), String(bad)).toThrow(new RegExp(`setWeights: weight ${last} \\(bias\\) holds ${bad} at flat index 0; weights must be finite`));
        const dict = model.stateDict();
        dict[`${model.layers.length - 1}.bias`].data[0] = bad;
        const first = Object.keys(dict)[0];
        dict[first].data[1] = bad;
        expect(() => model.loadStateDict(dict), String(bad)).toThrow(StateDictError);
        expect(() => model.loadStateDict(dict), String(bad)).toThrow(/holds (NaN|-?Infinity) at flat index (0|1); weights must be finite/);
        expect(model.getWeights()).toEqual(before);
      }
    }
  });

  it("accuracy thresholds a fromLogits loss's logits at 0, in evaluate and fit alike", async () => {
    const x = [[0.2], [0.3], [-0.2], [-0.4]];
    const y = [[1], [1], [0], [0]];
    for (const loss of [{ name: 'binaryCrossentropy', fromLogits: true } as const, new BinaryCrossentropy({ fromLogits: true })]) {
      const model = new Sequential([new Dense({ units: 1, inputShape: [1] })], { seed: 1 });
      model.compile({ optimizer: new SGD({ learningRate: 0 }), loss, metrics: ['accuracy'] });
      model.setWeights([Float32Array.of(1), Float32Array.of(0)]); // logit = x: every sample on its side of 0
      expect((await model.evaluate(x, y)).accuracy).toBe(1);
      expect((await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 })).history.accuracy).toEqual([1]);
    }
  });

  it('fit names a callback that is not an object by its own index', async () => {
    const model = smallModel(1);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const { x, y } = linearData(4);
    await expect(model.fit(x, y, { callbacks: [null as never] })).rejects.toThrow(new ConfigError('fit: callbacks[0] must be a Callback object, got null'));
    await expect(model.fit(x, y, { callbacks: [{}, {}, 5 as never] })).rejects.toThrow(/^fit: callbacks\[2\] must be a Callback object, got 5$/);
  });

  it('summary prints a Keras-like table with shapes and parameter counts', () => {
    const model = new Sequential(
      [new Embedding({ inputDim: 100, outputDim: 16, inputShape: [10], name: 'tokens' }), new Dense({ units: 4, name: 'head' })],
      { name: 'demo' },
    );
    const printed: string[] = [];
    const text = model.summary((s) => printed.push(s));
    expect(printed).toEqual([text]);
    expect(text).toContain('Model: "demo"');
    expect(text).toMatch(/tokens \(Embedding\)\s+\(None, 10, 16\)\s+1,600/);
    expect(text).toMatch(/head \(Dense\)\s+\(None, 10, 4\)\s+68/);
    expect(text).toContain('Total params: 1,668');
  });

  it('getConfig lists name, seed and each layer class and options', () => {
    const model = smallModel(9);
    const config = model.getConfig();
    expect(config.seed).toBe(9);
    expect(config.layers.map((l) => l.className)).toEqual(['Dense', 'Dense']);
    expect(config.layers[0].config).toMatchObject({ units: 8, activation: 'tanh', inputShape: [3] });
    expect(model.compileConfig).toMatchObject({ loss: { name: 'mse' }, metrics: ['mae'], optimizer: { name: 'adam', learningRate: 0.05 } });
  });

  it('Embedding → Dense trains end to end (backward stops at the ids)', async () => {
    const model = new Sequential([new Embedding({ inputDim: 5, outputDim: 3, inputShape: [2] }), new Dense({ units: 1 })], { seed: 3 });
    model.compile({ optimizer: { name: 'adam', learningRate: 0.1 }, loss: 'mse' });
    const x = [[1, 2], [3, 4], [0, 1], [2, 2]];
    const y = [[[1], [-1]], [[0.5], [0]], [[0], [1]], [[-1], [-1]]];
    const history = await model.fit(x, y, { epochs: 40, batchSize: 4, verbose: 0 });
    expect(history.history.loss[39]).toBeLessThan(history.history.loss[0] * 0.2);
  });

  it('layers added to a built model are built at once', () => {
    const model = smallModel(1);
    model.add(new Dense({ units: 2 }));
    expect(model.getWeights().map((w) => w.length)).toEqual([24, 8, 8, 1, 2, 2]);
  });
});

describe('fit and its callbacks, as in Keras', () => {
  const compiled = () => {
    const model = smallModel(1);
    model.compile({ optimizer: new SGD({ learningRate: 0.01 }), loss: 'mse' });
    return model;
  };

  it('History comes after the caller\'s callbacks: what they add to the logs is recorded, ReduceLROnPlateau\'s learning_rate too', async () => {
    const { x, y } = linearData(8);
    const adds: Callback = { onEpochEnd: (epoch, logs) => void (logs!.custom = epoch * 10) };
    const plateau = new ReduceLROnPlateau({ monitor: 'loss', patience: 0, minDelta: 1e9, factor: 0.5 });
    const history = await compiled().fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [adds, plateau] });
    expect(history.history.custom).toEqual([0, 10]);
    expect(history.history.learning_rate).toEqual([0.01, 0.005]); // the first epoch is an improvement on none
  });

  it('a fit that fails runs no onTrainEnd but the progress output\'s (EarlyStopping must not restore over the undone step)', async () => {
    const { x, y } = linearData(8);
    const ends: string[] = [];
    const spy: Callback = { onTrainEnd: () => void ends.push('spy'), onEpochEnd: (epoch) => { if (epoch === 1) throw new Error('callback failed'); } };
    const stopping = new EarlyStopping({ monitor: 'loss', patience: 100, restoreBestWeights: true });
    const model = compiled();
    await expect(model.fit(x, y, { epochs: 3, batchSize: 4, verbose: 0, callbacks: [stopping, spy] })).rejects.toThrow('callback failed');
    expect(ends).toEqual([]);
  });

  it('adds no progress output of its own beside a ProgressLogger of the caller\'s', async () => {
    const { x, y } = linearData(8);
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write');
    try {
      await compiled().fit(x, y, { epochs: 2, batchSize: 4, callbacks: [new ProgressLogger({ verbose: 2, stream: { write: (t: string) => lines.push(t) } as never })] });
      expect(lines.filter((l) => l.startsWith('Epoch'))).toHaveLength(2);
      expect(write).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
    }
  });

  it('validationData null is none, as in Keras; a wrong one names what came; ModelCheckpoint names a model that is not one when made', async () => {
    const { x, y } = linearData(8);
    const history = await compiled().fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, validationData: null });
    expect(Object.keys(history.history)).toEqual(['loss']);
    await expect(compiled().fit(x, y, { epochs: 1, verbose: 0, validationData: [x] as never })).rejects.toThrow(/^fit: validationData must be \[x, y\] or \[x, y, sampleWeight\], got /);
    expect(() => new ModelCheckpoint({ filepath: 'x', model: 5 as never })).toThrow(new ConfigError('ModelCheckpoint expected a model (a Sequential), got 5'));
  });

  it('a logger or stream that cannot log is a ConfigError when the callback is made, not a TypeError mid-fit', () => {
    for (const make of [(l: unknown) => new EarlyStopping({ logger: l as never }), (l: unknown) => new ReduceLROnPlateau({ logger: l as never }), (l: unknown) => new TerminateOnNaN({ logger: l as never })]) {
      for (const bad of [5, 'console', {}, { log: () => undefined }]) expect(() => make(bad), String(bad)).toThrow(/logger must be an object with log\(message\) and warn\(message\) methods/);
    }
    expect(() => new ProgressLogger({ verbose: 2, stream: 5 as never })).toThrow(new ConfigError('ProgressLogger: stream must be a writable stream (an object with write(text)), got 5'));
  });
});
