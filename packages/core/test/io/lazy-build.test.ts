import { describe, expect, it } from 'vitest';
import { Dense } from '../../src/layers/dense';
import { GRU } from '../../src/layers/gru';
import { Sequential } from '../../src/model/sequential';
import { loadModel } from '../../src/io/load';
import { saveModel } from '../../src/io/save';
import { randomTensor, tempDir } from './helpers';

describe('saving a model built from data (no inputShape option)', () => {
  it('stores the input shape it was built for and reloads it', async () => {
    const model = new Sequential([new GRU({ units: 3 }), new Dense({ units: 1 })], { seed: 5 });
    const x = randomTensor([2, 4, 2], 9);
    const before = await model.predict(x);
    const dir = tempDir();
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    expect(Array.from((await loaded.predict(x)).data)).toEqual(Array.from(before.data));
  });

  it('refuses to save a model that was never built, saying why', async () => {
    const model = new Sequential([new GRU({ units: 3 })]);
    await expect(saveModel(model, tempDir())).rejects.toThrow(/inputShape|built/);
  });
});
