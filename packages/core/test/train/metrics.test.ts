import { describe, expect, it } from 'vitest';
import { ConfigError, ShapeError } from '../../src/errors';
import { BinaryCrossentropy } from '../../src/train/losses';
import { Accuracy, createMetric } from '../../src/train/metrics';
import { t } from './helpers';

describe('mae / mse / rmse', () => {
  it('accumulate over every element of every batch', () => {
    const mae = createMetric('mae');
    const mse = createMetric('mean_squared_error');
    const rmse = createMetric('rmse');
    // batch 1: errors [1, -2]; batch 2: errors [3]; squared: 1, 4, 9.
    for (const m of [mae, mse, rmse]) {
      m.update(t([[1], [0]]), t([[0], [2]]));
      m.update(t([[5]]), t([[2]]));
    }
    expect(mae.name).toBe('mae');
    expect(mse.name).toBe('mse');
    expect(mae.result()).toBeCloseTo(2, 12);
    expect(mse.result()).toBeCloseTo(14 / 3, 12);
    // sqrt of the mean over all samples, not the mean of the batch RMSEs (sqrt(2.5) + 3) / 2.
    expect(rmse.result()).toBeCloseTo(Math.sqrt(14 / 3), 12);
    rmse.reset();
    expect(rmse.result()).toBe(0);
  });

  it('a shape mismatch is a ShapeError', () => {
    expect(() => createMetric('mae').update(t([[1, 2]]), t([[1, 2, 3]]))).toThrow(ShapeError);
  });
});

describe('accuracy', () => {
  it('binary with binaryCrossentropy: threshold 0.5', () => {
    const acc = createMetric('accuracy', 'binaryCrossentropy');
    acc.update(t([[0.7], [0.4], [0.5], [0.9]]), t([[1], [0], [1], [0]]));
    expect(acc.result()).toBe(0.5); // 0.5 is not > 0.5 → predicted 0
  });

  it('binary with a fromLogits loss: threshold 0', () => {
    const acc = createMetric('acc', new BinaryCrossentropy({ fromLogits: true }));
    acc.update(t([0.2, -0.1, -3, 4]), t([1, 0, 1, 1]));
    expect(acc.result()).toBe(0.75);
  });

  it('categorical: argmax vs argmax, per step', () => {
    const acc = createMetric('accuracy', 'categorical_crossentropy');
    const pred = t([[[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]], [[0.3, 0.3, 0.4], [0.2, 0.2, 0.6]]]);
    const target = t([[[0, 1, 0], [0, 0, 1]], [[0, 0, 1], [1, 0, 0]]]);
    acc.update(pred, target);
    expect(acc.result()).toBe(0.5);
  });

  it('sparse categorical: argmax vs id, accumulated over batches', () => {
    const acc = createMetric('accuracy', 'sparseCategoricalCrossentropy');
    acc.update(t([[2, 1, 0], [0, 0, 5]]), t([0, 1]));
    acc.update(t([[0, 9, 1]]), t([[1]]));
    expect(acc.result()).toBeCloseTo(2 / 3, 12);
  });

  it('with another loss it is resolved from the shapes, like Keras', () => {
    const binary = createMetric('accuracy', 'mse') as Accuracy;
    binary.update(t([[0.9], [0.1]]), t([[1], [1]]));
    expect(binary.kind).toBe('binary');
    expect(binary.result()).toBe(0.5);
    const sparse = new Accuracy();
    sparse.update(t([[0.1, 0.9]]), t([1]));
    expect(sparse.kind).toBe('sparseCategorical');
    const categorical = new Accuracy();
    categorical.update(t([[0.1, 0.9]]), t([[0, 1]]));
    expect(categorical.kind).toBe('categorical');
    expect(categorical.result()).toBe(1);
  });
});

describe('createMetric', () => {
  it('an unknown name is a ConfigError listing the allowed names', () => {
    expect(() => createMetric('f1' as 'mae')).toThrow(ConfigError);
    expect(() => createMetric('f1' as 'mae')).toThrow(/Unknown metric 'f1'; allowed names are mae, mse, rmse, accuracy/);
  });
});
