import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test-support/temp-dirs';
import { MAX_BUFFER_VALUES } from '../../src/buffer-limits';
import { timeseriesWindows } from '../../src/data';
import { ConfigError, DataError, FormatError, ShapeError } from '../../src/errors';
import { loadModel, saveModel, setAttachment } from '../../src/io';
import { Dense, Embedding, GRU, LSTM, SimpleRNN } from '../../src/layers';
import { Sequential } from '../../src/model';
import { Tensor } from '../../src/tensor';
import { Adam } from '../../src/train/optimizers';

/** The validation gaps a careless or hostile user found (issue 8, item 8), each now a typed error. */
const fit = { epochs: 1, batchSize: 10, verbose: 0, shuffle: false } as const;
const sequences = (n: number): number[][][] => Array.from({ length: n }, (_, i) => [[i / n], [1 - i / n]]);

function classifier(): Sequential {
  const model = new Sequential([new LSTM({ units: 4, inputShape: [2, 1] }), new Dense({ units: 3 })], { seed: 1 });
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  return model;
}

describe('labels and ids are checked before training starts, naming the sample', () => {
  it('a class id out of range fails before any batch trains, at its sample index', async () => {
    const model = classifier();
    const before = model.getWeights();
    const y = Array.from({ length: 100 }, (_, i) => [i === 77 ? 5 : i % 3]);
    await expect(model.fit(sequences(100), y, fit)).rejects.toThrow(
      new DataError('y holds 5 at sample 77; sparseCategoricalCrossentropy needs integer class ids in [0, 3) (the model has 3 outputs)'),
    );
    expect(model.getWeights()).toEqual(before); // no batch trained
    const fractional = Array.from({ length: 10 }, (_, i) => [i === 4 ? 1.5 : 0]);
    await expect(model.evaluate(sequences(10), fractional)).rejects.toThrow(/y holds 1.5 at sample 4/);
    await expect(model.fit(sequences(10), fractional.map(() => [0]), { ...fit, validationData: [sequences(10), fractional] })).rejects.toThrow(
      /validationData y holds 1.5 at sample 4/,
    );
  });

  it('binary targets outside [0, 1] fail up front too', async () => {
    const model = new Sequential([new Dense({ units: 1, activation: 'sigmoid', inputShape: [2] })]);
    model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    await expect(model.trainOnBatch([[1, 2], [3, 4]], [[0], [-1]])).rejects.toThrow(/y holds -1 at sample 1; binaryCrossentropy needs values in \[0, 1\]/);
  });

  it('an Embedding id out of range fails before training, at its sample and step', async () => {
    const model = new Sequential([new Embedding({ inputDim: 10, outputDim: 2, inputShape: [3] }), new LSTM({ units: 2 }), new Dense({ units: 1 })]);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const before = model.getWeights();
    const ids = Array.from({ length: 100 }, (_, i) => [1, 2, i === 55 ? 12 : 3]);
    await expect(model.fit(ids, ids.map(() => [0]), fit)).rejects.toThrow(
      new DataError('x holds 12 at sample 55, step 2, but embedding_1 takes integer ids in [0, 10)'),
    );
    expect(model.getWeights()).toEqual(before);
    await expect(model.predict([[1, 2, 2.5]])).rejects.toThrow(/x holds 2.5 at sample 0, step 2/);
  });

  it('an Embedding larger than float32 ids can address (2^24 rows) is refused', () => {
    expect(() => new Embedding({ inputDim: 2 ** 24 + 1, outputDim: 1 })).toThrow(ConfigError);
    expect(() => new Embedding({ inputDim: 2 ** 25, outputDim: 1, name: 'big' })).toThrow(/big: inputDim must be at most 2\^24 = 16777216 \(ids travel as float32/);
  });
});

describe('absurd sizes are a typed error before anything is allocated', () => {
  it('a layer whose weights cannot fit (units 1e6, a 1e7-row Dense)', () => {
    expect(() => new Sequential([new LSTM({ units: 1e6, inputShape: [2, 1], name: 'huge' })])).toThrow(
      /huge: weight_hh_l0 \[4000000, 1000000\] would need 4\.00e\+12 float32 values \(16\.0 TB\); one buffer can hold at most/,
    );
    expect(() => new Sequential([new Dense({ units: 1e7, inputShape: [1000] })])).toThrow(ConfigError);
    expect(() => new Embedding({ inputDim: 2 ** 24, outputDim: 1e4 })).toThrow(/weight \[16777216, 10000\] would need/);
  });

  it('a call whose buffers cannot fit (1e6 steps)', async () => {
    const units = Math.ceil(MAX_BUFFER_VALUES / 1e6) + 1; // y [1e6, 1, units] is one value too many
    const layer = new SimpleRNN({ units, kernelInitializer: 'zeros', recurrentInitializer: 'zeros', inputShape: [null, 1], name: 'long' });
    const model = new Sequential([layer]);
    await expect(model.predict(new Tensor(new Float32Array(1e6), [1, 1e6, 1]))).rejects.toThrow(
      /long: a batch of 1 sequences of 1000000 steps would need .* float32 values/,
    );
    await expect(model.predict(new Tensor(new Float32Array(1e6), [1, 1e6, 1]))).rejects.toBeInstanceOf(ShapeError);
  });

  it('data preparation that cannot fit (windows over 1e7 rows)', () => {
    expect(() => timeseriesWindows(new Float32Array(1e7), { window: 1000 })).toThrow(/timeseriesWindows: 9999000 windows of 1000 steps would need/);
  });
});

describe('inputs in the wrong form', () => {
  it.each([
    ['a recurrent first layer', () => [new LSTM({ units: 3, inputShape: [2, 1] }), new Dense({ units: 1 })]],
    ['a Dense first layer (its input goes to the kernels as it is)', () => [new Dense({ units: 2, inputShape: [2, 1] }), new GRU({ units: 2 }), new Dense({ units: 1 })]],
  ])('SharedArrayBuffer data gives the same predictions and training as ordinary data: %s', async (_, layers) => {
    const make = (): Sequential => new Sequential(layers(), { seed: 3 });
    const plain = new Float32Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    const shared = new Float32Array(new SharedArrayBuffer(plain.byteLength));
    shared.set(plain);
    const sharedY = new Float32Array(new SharedArrayBuffer(12));
    sharedY.set([1, 0, 1]);
    const [a, b] = [make(), make()];
    expect((await b.predict({ data: shared, shape: [3, 2, 1] })).data).toEqual((await a.predict({ data: plain, shape: [3, 2, 1] })).data);
    for (const m of [a, b]) m.compile({ optimizer: 'sgd', loss: 'mse' });
    await a.fit({ data: plain, shape: [3, 2, 1] }, { data: new Float32Array([1, 0, 1]), shape: [3, 1] }, { epochs: 2, verbose: 0 });
    await b.fit(new Tensor(shared, [3, 2, 1]), new Tensor(sharedY, [3, 1]), { epochs: 2, verbose: 0 });
    expect(b.getWeights()).toEqual(a.getWeights());
    expect(await b.trainOnBatch(new Tensor(shared, [3, 2, 1]), new Tensor(sharedY, [3, 1]))).toBeGreaterThan(0);
  });

  it('predict on a bare Float32Array says what shape the model expected', async () => {
    const model = new Sequential([new LSTM({ units: 2, inputShape: [20, 1] })]);
    await expect(model.predict(new Float32Array(20) as never)).rejects.toThrow(
      new ShapeError('predict: x is a Float32Array of length 20 without a shape; pass nested arrays, a Tensor or { data, shape } of shape [batch, 20, 1]'),
    );
  });

  it('a NaN given to predict is bad input, not something "before training"', async () => {
    const model = new Sequential([new LSTM({ units: 2, inputShape: [2, 1] })]);
    const err = await model.predict([[[NaN], [1]]]).catch((e: Error) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toMatch(/^predict: x contains NaN at sample 0, position \[0, 0\]/);
    expect((err as Error).message).not.toMatch(/training/);
  });
});

describe('saving and loading', () => {
  it("save(''), save(undefined) and loadModel(undefined) are ConfigErrors, not Node's errors", async () => {
    const model = new Sequential([new Dense({ units: 1, inputShape: [2] })], { name: 'm' });
    await expect(model.save('')).rejects.toThrow(new ConfigError("m.save: dir must be a path (a non-empty string), got ''"));
    await expect(model.save(undefined as never)).rejects.toThrow(/m\.save: dir must be a path .*got undefined/);
    await expect(saveModel(model, 'a\0b')).rejects.toThrow(ConfigError);
    await expect(loadModel(undefined as never)).rejects.toThrow(new ConfigError('loadModel: dir must be a path (a non-empty string), got undefined'));
  });

  it('deeply nested attachments: refused on save, and a FormatError on load', async () => {
    const deep: unknown[] = [];
    let inner = deep;
    for (let i = 0; i < 20_000; i++) inner = (inner[0] = []) as unknown[];
    const model = new Sequential([new Dense({ units: 1, inputShape: [2] })]);
    const dir = tempDir('rnn-deep-');
    await expect(saveModel(model, join(dir, 'a'), { attachments: { deep } })).rejects.toThrow(/attachment 'deep' nests deeper than 100 levels/);
    expect(() => setAttachment(model, 'deep', deep)).toThrow(ConfigError);
    await model.save(join(dir, 'b'));
    const file = join(dir, 'b', 'model.json');
    const text = readFileSync(file, 'utf8').replace('"attachments": {}', `"attachments": { "deep": ${'['.repeat(20_000)}${']'.repeat(20_000)} }`);
    writeFileSync(file, text);
    await expect(loadModel(join(dir, 'b'))).rejects.toThrow(FormatError);
    await expect(loadModel(join(dir, 'b'))).rejects.toThrow(/attachment 'deep' nests deeper than 100 levels/);
  });
});

describe('one optimizer instance for two models', () => {
  it('is refused when the second model compiles; recompiling the first is fine', () => {
    const adam = new Adam();
    const first = new Sequential([new Dense({ units: 1, inputShape: [2] })], { name: 'first' });
    const second = new Sequential([new Dense({ units: 1, inputShape: [2] })], { name: 'second' });
    first.compile({ optimizer: adam, loss: 'mse' });
    first.compile({ optimizer: adam, loss: 'mae' });
    expect(() => second.compile({ optimizer: adam, loss: 'mse' })).toThrow(
      /second\.compile: this Adam optimizer is already compiled into model 'first', and its state .* give each model its own optimizer/,
    );
    second.compile({ optimizer: new Adam(), loss: 'mse' });
  });
});
