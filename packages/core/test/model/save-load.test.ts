import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/io/load';
import { linearData, smallModel } from './fixtures';
import { tempDir } from '../../../../test-support/temp-dirs';

describe('Sequential.save → loadModel', () => {
  const dir = tempDir('rnn-sequential-');

  it('restores the same predictions, compile settings and a model that keeps training', async () => {
    const { x, y } = linearData(24);
    const model = smallModel(8);
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    await model.save(dir);
    const loaded = await loadModel(dir);
    expect(loaded.getWeights()).toEqual(model.getWeights());
    expect((await loaded.predict(x)).data).toEqual((await model.predict(x)).data);
    expect(loaded.compileConfig).toEqual(model.compileConfig);
    const history = await loaded.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    expect(history.history.loss[0]).toBeGreaterThan(0);
  });
});
