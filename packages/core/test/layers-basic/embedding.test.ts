import { describe, expect, it } from 'vitest';
import { ConfigError, DataError } from '../../src/errors';
import { Embedding } from '../../src/layers/embedding';
import { Random } from '../../src/random';
import { Tensor } from '../../src/tensor';
import { runContext } from './helpers';

function table(): Embedding {
  const layer = new Embedding({ inputDim: 4, outputDim: 2, maskZero: true, name: 'emb' });
  layer.build([null], new Random(3));
  // weight[id] = [id, 10·id + 1]
  layer.loadStateDict({ weight: new Tensor(Float32Array.from([0, 1, 1, 11, 2, 21, 3, 31]), [4, 2]) });
  return layer;
}

describe('Embedding', () => {
  it('looks up rows of weight [inputDim, outputDim] and emits the id != 0 mask', async () => {
    const layer = table();
    const ids = Tensor.fromArray([
      [3, 1, 0],
      [2, 2, 1],
    ]);
    const { y, mask } = await layer.forward(ids, null, runContext(false));
    expect(y.shape).toEqual([2, 3, 2]);
    expect(y.toArray()).toEqual([
      [[3, 31], [1, 11], [0, 1]],
      [[2, 21], [2, 21], [1, 11]],
    ]);
    expect(Array.from(mask!)).toEqual([1, 1, 0, 1, 1, 1]);
  });

  it('has no mask without maskZero', async () => {
    const layer = new Embedding({ inputDim: 3, outputDim: 2 });
    layer.build([2], new Random(1));
    const { mask } = await layer.forward(Tensor.fromArray([[0, 1]]), null, runContext(false));
    expect(mask).toBeNull();
  });

  it('backward scatter-adds dy into the looked-up rows (repeated ids add up) and returns null', async () => {
    const layer = table();
    const ctx = runContext(true);
    await layer.forward(Tensor.fromArray([[3, 1, 3]]), null, ctx);
    const dy = Tensor.fromArray([[[1, 2], [3, 4], [5, 6]]]);
    expect(await layer.backward(dy, ctx)).toBeNull();
    // row 3 gets [1,2] + [5,6]; row 1 gets [3,4]; rows 0 and 2 stay zero
    expect(Array.from(layer.parameters()[0].grad)).toEqual([0, 0, 3, 4, 0, 0, 6, 8]);
  });

  it('initialises uniformly in [−0.05, 0.05] (Keras default)', () => {
    const layer = new Embedding({ inputDim: 50, outputDim: 8 });
    layer.build([null], new Random(9));
    const w = layer.parameters()[0].value;
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(0.05);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.04);
  });

  it('rejects ids that are not integers in [0, inputDim) with a DataError naming the position', async () => {
    const layer = table();
    const ctx = runContext(false);
    await expect(layer.forward(Tensor.fromArray([[1, 4]]), null, ctx)).rejects.toThrow(
      /emb expected integer ids in \[0, 4\), got 4 at \[0, 1\]/,
    );
    await expect(layer.forward(Tensor.fromArray([[1.5]]), null, ctx)).rejects.toBeInstanceOf(DataError);
    await expect(layer.forward(Tensor.fromArray([[-1]]), null, ctx)).rejects.toBeInstanceOf(DataError);
    await expect(layer.forward(Tensor.fromArray([[NaN]]), null, ctx)).rejects.toBeInstanceOf(DataError);
  });

  it('rejects bad options with a ConfigError', () => {
    expect(() => new Embedding({ inputDim: 0, outputDim: 2 })).toThrow(/inputDim must be a positive integer/);
    expect(() => new Embedding({ inputDim: 3, outputDim: 1.5 })).toThrow(/outputDim must be a positive integer/);
    expect(() => new Embedding({ inputDim: 3, outputDim: 2, maskZero: 1 as unknown as boolean })).toThrow(ConfigError);
  });
});
