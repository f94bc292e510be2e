import { describe, expect, it } from 'vitest';
import { ConfigError, DataError, ShapeError } from '../../src/errors';
import { Dense } from '../../src/layers/dense';
import { Sequential } from '../../src/model/sequential';
import { linearData, smallModel } from './fixtures';

describe('Sequential rejects bad input with typed errors', () => {
  const { x, y } = linearData(8);

  it('fit, evaluate and trainOnBatch before compile', async () => {
    const model = new Sequential([new Dense({ units: 1, inputShape: [3] })]);
    await expect(model.fit(x, y, { verbose: 0 })).rejects.toThrow(ConfigError);
    await expect(model.fit(x, y, { verbose: 0 })).rejects.toThrow(/call compile\(\{ optimizer, loss \}\) first/);
    await expect(model.evaluate(x, y)).rejects.toThrow(ConfigError);
    await expect(model.trainOnBatch(x, y)).rejects.toThrow(ConfigError);
    expect(() => model.optimizer).toThrow(ConfigError);
  });

  it('x and y with different sample counts', async () => {
    const model = smallModel(1);
    const short = { data: y.data.slice(0, 5), shape: [5, 1] };
    await expect(model.fit(x, short, { verbose: 0 })).rejects.toThrow(DataError);
    await expect(model.fit(x, short, { verbose: 0 })).rejects.toThrow(/same number of samples, got 8 .* and 5/);
  });

  it('NaN or Infinity in x or y', async () => {
    const model = smallModel(1);
    const badX = x.data.slice();
    badX[7] = NaN;
    await expect(model.fit({ data: badX, shape: x.shape }, y, { verbose: 0 })).rejects.toThrow(/x contains NaN at sample 2/);
    const badY = y.data.slice();
    badY[3] = Infinity;
    await expect(model.fit(x, { data: badY, shape: y.shape }, { verbose: 0 })).rejects.toThrow(/y contains Infinity at sample 3/);
    await expect(model.predict({ data: badX, shape: x.shape })).rejects.toBeInstanceOf(DataError);
  });

  it('empty data', async () => {
    const model = smallModel(1);
    await expect(model.fit([], [], { verbose: 0 })).rejects.toThrow(DataError);
    await expect(model.fit({ data: new Float32Array(0), shape: [0, 3] }, { data: new Float32Array(0), shape: [0, 1] }, { verbose: 0 })).rejects.toThrow(/x is empty/);
    await expect(model.predict([])).rejects.toThrow(DataError);
  });

  it('the wrong feature count, naming the first layer and both shapes', async () => {
    const model = new Sequential([new Dense({ units: 1, inputShape: [4], name: 'first_dense' })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    await expect(model.fit(x, y, { verbose: 0 })).rejects.toThrow(ShapeError);
    await expect(model.fit(x, y, { verbose: 0 })).rejects.toThrow(/first_dense expected input \[batch, 4\], got x of shape \[8, 3\]/);
    await expect(model.predict(x)).rejects.toThrow(/first_dense expected input \[batch, 4\]/);
  });

  it('bad fit options', async () => {
    const model = smallModel(1);
    await expect(model.fit(x, y, { epochs: 0, verbose: 0 })).rejects.toThrow(/epochs must be a positive integer, got 0/);
    await expect(model.fit(x, y, { batchSize: 2.5, verbose: 0 })).rejects.toThrow(ConfigError);
    await expect(model.fit(x, y, { validationSplit: 1, verbose: 0 })).rejects.toThrow(/validationSplit must be a number in \[0, 1\)/);
    await expect(model.fit(x, y, { verbose: 3 as 1 })).rejects.toThrow(ConfigError);
    await expect(model.fit(x, y, { epoch: 3 } as object)).rejects.toThrow(/unknown option 'epoch'/);
    // One sample cannot be split into training and validation parts.
    const one = { x: { data: x.data.slice(0, 3), shape: [1, 3] }, y: { data: y.data.slice(0, 1), shape: [1, 1] } };
    await expect(model.fit(one.x, one.y, { validationSplit: 0.5, verbose: 0 })).rejects.toThrow(/leaves no training samples/);
  });

  it('bad layers and options at construction', () => {
    expect(() => new Sequential([{} as Dense])).toThrow(/expected a layer/);
    const d = new Dense({ units: 1, name: 'same' });
    expect(() => new Sequential([d, new Dense({ units: 1, name: 'same' })])).toThrow(/already has a layer named 'same'/);
    expect(() => new Sequential([], { seed: -1 })).toThrow(ConfigError);
    expect(() => new Dense({ units: 0 })).toThrow(ConfigError);
    expect(() => new Dense({ units: 1, activation: 'nope' as 'relu' })).toThrow(ConfigError);
    expect(() => smallModel(1).compile({ optimizer: 'adam', loss: 'mse', metrics: ['f1' as 'mae'] })).toThrow(ConfigError);
    expect(() => smallModel(1).compile({ optimizer: 'adamm' as 'adam', loss: 'mse' })).toThrow(ConfigError);
    expect(() => smallModel(1).compile({ optimizer: 'adam', loss: 'msee' as 'mse' })).toThrow(ConfigError);
  });

  it('a model without an inputShape cannot report weights before it sees data', async () => {
    const model = new Sequential([new Dense({ units: 2 })]);
    expect(() => model.stateDict()).toThrow(/give its first layer an inputShape/);
    await model.predict(x);
    expect(Object.keys(model.stateDict())).toEqual(['0.weight', '0.bias']);
  });
});
