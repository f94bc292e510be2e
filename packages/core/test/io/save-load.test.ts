import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MinMaxScaler } from '../../src/data/min-max-scaler';
import { ConfigError } from '../../src/errors';
import { Bidirectional } from '../../src/layers/bidirectional';
import { Dense } from '../../src/layers/dense';
import { Dropout } from '../../src/layers/dropout';
import { Embedding } from '../../src/layers/embedding';
import { SimpleRNN } from '../../src/layers/simple-rnn';
import { Sequential } from '../../src/model/sequential';
import { Tensor } from '../../src/tensor';
import { tensorBits } from '../model/fixtures';
import { getAttachment, setAttachment } from '../../src/io/attachments';
import { loadModel } from '../../src/io/load';
import { saveModel } from '../../src/io/save';
import { randomTensor, tempDir, trainedModel } from './helpers';


describe('saveModel / loadModel', () => {
  it('restores architecture and weights: predictions are bit-identical', async () => {
    const { model, x } = await trainedModel();
    const dir = tempDir();
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    expect(loaded.getConfig()).toEqual(model.getConfig());
    expect(loaded.layers.map((l) => l.className)).toEqual(['LSTM', 'GRU', 'Dense']);
    expect(tensorBits(await loaded.predict(x))).toEqual(tensorBits(await model.predict(x)));
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']); // no temp files left
  });

  it('restores compile settings and optimizer state, so training resumes identically', async () => {
    const { model, x, y } = await trainedModel();
    const dir = tempDir();
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    expect(loaded.compileConfig).toEqual(model.compileConfig);
    const a = model.optimizer.getState();
    const b = loaded.optimizer.getState();
    expect(b.iterations).toBe(2);
    expect(b).toEqual(a);
    // One more step on each: same loss, same weights, bit for bit.
    expect(await loaded.trainOnBatch(x, y)).toBe(await model.trainOnBatch(x, y));
    const wa = model.getWeights();
    loaded.getWeights().forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(wa[i])));
  });

  it('saves the learning rate as it is now, so training lowered by ReduceLROnPlateau resumes identically', async () => {
    const { model, x, y } = await trainedModel();
    const lowered = model.optimizer.getConfig().learningRate as number / 10;
    (model.optimizer as { learningRate: number }).learningRate = lowered; // as ReduceLROnPlateau does
    const dir = tempDir();
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    expect(loaded.optimizer.getConfig().learningRate).toBe(lowered);
    expect(loaded.compileConfig).toEqual(model.compileConfig);
    expect(await loaded.trainOnBatch(x, y)).toBe(await model.trainOnBatch(x, y));
    const wa = model.getWeights();
    loaded.getWeights().forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(wa[i])));
  });

  it('round-trips an uncompiled Embedding → Bidirectional(SimpleRNN) → Dropout → Dense model', async () => {
    const model = new Sequential(
      [
        new Embedding({ inputDim: 7, outputDim: 3, maskZero: true, inputShape: [4] }),
        new Bidirectional({ layer: new SimpleRNN({ units: 3 }), mergeMode: 'sum' }),
        new Dropout({ rate: 0.5 }),
        new Dense({ units: 2, activation: 'softmax' }),
      ],
      { seed: 3 },
    );
    const ids = Tensor.fromArray([
      [0, 1, 2, 3],
      [0, 0, 6, 5],
    ]);
    const dir = tempDir();
    await model.save(dir);
    const loaded = await loadModel(dir);
    expect(loaded.compileConfig).toBeNull();
    expect(Object.keys(loaded.stateDict()).sort()).toEqual(Object.keys(model.stateDict()).sort());
    expect(tensorBits(await loaded.predict(ids))).toEqual(tensorBits(await model.predict(ids)));
  });

  it('refuses attachments JSON would change silently, naming where, from setAttachment and saveModel alike', async () => {
    const model = new Sequential([new Dense({ units: 1, inputShape: [2] })], { seed: 1 });
    const cases: [unknown, RegExp][] = [
      [{ v: Number.NaN }, /attachment 'a'\.v is NaN, which JSON cannot hold \(it would be saved as null\)/],
      [[1, Infinity], /attachment 'a'\[1\] is Infinity/],
      [{ m: new Map([[1, 2]]) }, /attachment 'a'\.m is a Map, which JSON cannot hold/],
      [{ s: new Set([1]) }, /attachment 'a'\.s is a Set/],
      [{ f: () => 1 }, /attachment 'a'\.f is a function/],
      [[undefined], /attachment 'a'\[0\] is undefined, which JSON cannot hold/],
      [10n, /attachment 'a' is a bigint/],
    ];
    for (const [value, message] of cases) {
      expect(() => setAttachment(model, 'a', value), String(message)).toThrow(ConfigError);
      expect(() => setAttachment(model, 'a', value), String(message)).toThrow(message);
      await expect(saveModel(model, join(tempDir(), 'm'), { attachments: { a: value } }), String(message)).rejects.toThrow(message);
    }
    // JSON's own rewrites stay: toJSON() is called (a Date, a fitted scaler), undefined members are left out.
    setAttachment(model, 'a', { when: new Date(0), scaler: new MinMaxScaler().fit([1, 3]), gone: undefined });
    expect(getAttachment(model, 'a')).toEqual({ when: '1970-01-01T00:00:00.000Z', scaler: new MinMaxScaler().fit([1, 3]).toJSON() });
    // A toJSON that returns its own object is read once, as JSON.stringify reads it.
    const selfish = { n: 1, toJSON() { return this; } };
    expect(() => setAttachment(model, 'b', selfish)).toThrow(/attachment 'b'\.toJSON is a function/);
  });

  it('carries attachments (a fitted scaler) through save and load', async () => {
    const { model } = await trainedModel();
    const scaler = new MinMaxScaler().fit([100, 250, 175]);
    setAttachment(model, 'scaler', scaler.toJSON());
    const dir = tempDir();
    await saveModel(model, dir, { attachments: { window: 10 } });
    const loaded = await loadModel(dir);
    expect(getAttachment(loaded, 'window')).toBe(10);
    const back = MinMaxScaler.fromJSON(getAttachment(loaded, 'scaler'));
    expect(back.inverseTransform([0.5])).toEqual([175]);
  });

  it('overwrites an earlier save in place', async () => {
    const { model, x, y } = await trainedModel();
    const dir = tempDir();
    await saveModel(model, dir);
    await model.trainOnBatch(x, y);
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    expect(tensorBits(await loaded.predict(x))).toEqual(tensorBits(await model.predict(x)));
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
  });

  it('keeps the previous save intact when a save fails (non-finite weights)', async () => {
    const { model, x } = await trainedModel();
    const dir = tempDir();
    await saveModel(model, dir);
    const before = await model.predict(x);
    model.parameters()[0].value[0] = NaN;
    await expect(saveModel(model, dir)).rejects.toThrow(/cannot save weight '0.weight_ih_l0': it holds NaN/);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    expect(tensorBits(await (await loadModel(dir)).predict(x))).toEqual(tensorBits(before));
  });

  it('accepts a large random model without precision loss', async () => {
    const model = new Sequential([new SimpleRNN({ units: 32, inputShape: [3, 16] }), new Dense({ units: 1 })], { seed: 11 });
    const dir = tempDir();
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    const x = randomTensor([2, 3, 16], 5);
    expect(tensorBits(await loaded.predict(x))).toEqual(tensorBits(await model.predict(x)));
  });
});
