import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/errors';
import { Tensor } from '../../src/tensor';
import {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  Huber,
  MeanAbsoluteError,
  MeanSquaredError,
  SparseCategoricalCrossentropy,
  lossRows,
  type Loss,
} from '../../src/train/losses';
import { Accuracy, MeanErrorMetric } from '../../src/train/metrics';
import { expectAllClose, numericLossGradient, t } from './helpers';

/*
 * PyTorch 1.13 references for Keras 3's 'sum_over_batch_size' with per-row weights, Σ w·l / rows:
 *
 *   import torch, torch.nn.functional as F
 *   pred = torch.tensor([[0.5, -1.0], [2.0, 0.25], [-0.5, 1.5]], requires_grad=True)
 *   target = torch.tensor([[1.0, 0.0], [1.5, -0.5], [0.0, 2.0]])
 *   w = torch.tensor([0.5, 2.0, 0.0])
 *   loss = (F.mse_loss(pred, target, reduction='none').mean(-1) * w).sum() / 3
 *   loss.backward()  # 0.375, grad [-0.08333334, -0.16666667, 0.33333334, 0.5, 0, 0]
 *
 *   logits = torch.tensor([[1.0, 2.0, 0.5], [0.1, -0.3, 0.8], [2.0, 0.0, -1.0], [0.3, 0.3, 0.9]], requires_grad=True)
 *   ids = torch.tensor([1, 2, 0, 1]); w2 = torch.tensor([1.0, 0.25, 3.0, 0.0])
 *   loss2 = (F.cross_entropy(logits, ids, reduction='none') * w2).sum() / 4
 *   loss2.backward()  # 0.28122789, grad below
 */
describe('weighted losses (Keras sum_over_batch_size)', () => {
  it('MSE with row weights matches PyTorch', () => {
    const pred = t([[0.5, -1.0], [2.0, 0.25], [-0.5, 1.5]]);
    const grad = new Float32Array(6);
    const value = new MeanSquaredError().compute(pred, t([[1, 0], [1.5, -0.5], [0, 2]]), grad, Float32Array.from([0.5, 2, 0]));
    expect(value).toBeCloseTo(0.375, 6);
    expectAllClose(grad, [-0.0833333358, -0.1666666716, 0.3333333433, 0.5, 0, 0], 1e-7);
  });

  it('sparse categorical cross-entropy (logits) with row weights matches PyTorch', () => {
    const logits = t([[1.0, 2.0, 0.5], [0.1, -0.3, 0.8], [2.0, 0.0, -1.0], [0.3, 0.3, 0.9]]);
    const grad = new Float32Array(12);
    const loss = new SparseCategoricalCrossentropy({ fromLogits: true });
    const value = loss.compute(logits, t([1, 2, 0, 1]), grad, Float32Array.from([1, 0.25, 3, 0]));
    expect(value).toBeCloseTo(0.28122788667678833, 6);
    expectAllClose(
      grad,
      [0.0578059703, -0.0928670764, 0.0350610949, 0.0169649217, 0.0113719264, -0.0283368453, -0.1171539724, 0.0856463984, 0.0315075479, 0, 0, 0],
      1e-7,
    );
  });

  // [2, 3, 2] predictions: 6 rows (sample, step) of 2 values each.
  const pred3 = (): Tensor => t([[[0.2, 0.7], [0.9, 0.4], [0.5, 0.5]], [[0.1, 0.3], [0.6, 0.8], [0.35, 0.65]]]);
  const rowWeights = Float32Array.from([1, 0.5, 0, 2, 1.5, 0.25]);
  const cases: { loss: Loss; pred: () => Tensor; target: Tensor }[] = [
    { loss: new MeanSquaredError(), pred: pred3, target: t([[[0, 1], [1, 0], [0.5, 0]], [[0, 0], [1, 1], [0, 1]]]) },
    { loss: new MeanAbsoluteError(), pred: pred3, target: t([[[0, 1], [1, 0], [0.5, 0]], [[0, 0], [1, 1], [0, 1]]]) },
    { loss: new Huber({ delta: 0.3 }), pred: pred3, target: t([[[0, 1], [1, 0], [0.5, 0]], [[0, 0], [1, 1], [0, 1]]]) },
    { loss: new BinaryCrossentropy(), pred: pred3, target: t([[[0, 1], [1, 0], [1, 0]], [[0, 0], [1, 1], [0, 1]]]) },
    { loss: new BinaryCrossentropy({ fromLogits: true }), pred: pred3, target: t([[[0, 1], [1, 0], [1, 0]], [[0, 0], [1, 1], [0, 1]]]) },
    { loss: new CategoricalCrossentropy(), pred: pred3, target: t([[[0, 1], [1, 0], [1, 0]], [[1, 0], [0, 1], [0, 1]]]) },
    { loss: new CategoricalCrossentropy({ fromLogits: true }), pred: pred3, target: t([[[0, 1], [1, 0], [1, 0]], [[1, 0], [0, 1], [0, 1]]]) },
    { loss: new SparseCategoricalCrossentropy(), pred: pred3, target: t([[1, 0, 0], [0, 1, 1]]) },
    { loss: new SparseCategoricalCrossentropy({ fromLogits: true }), pred: pred3, target: t([[1, 0, 0], [0, 1, 1]]) },
  ];

  for (const { loss, pred, target } of cases) {
    const label = `${loss.name}${(loss as { fromLogits?: boolean }).fromLogits ? ' (logits)' : ''}`;

    it(`${label}: Σ w_r·L_r / rows, where L_r is the row's own unweighted loss`, () => {
      const p = pred();
      const rows = lossRows(p);
      expect(rows).toBe(6);
      const classes = p.shape[2];
      const targetPerRow = target.size / rows;
      let expected = 0;
      for (let r = 0; r < rows; r++) {
        const rowPred = new Tensor(p.data.slice(r * classes, (r + 1) * classes), [1, classes]);
        const rowTarget = new Tensor(target.data.slice(r * targetPerRow, (r + 1) * targetPerRow), targetPerRow === 1 ? [1] : [1, classes]);
        expected += rowWeights[r] * loss.compute(rowPred, rowTarget, null);
      }
      expect(loss.compute(p, target, null, rowWeights)).toBeCloseTo(expected / rows, 6);
    });

    it(`${label}: the weighted gradient matches finite differences; zero-weight rows get exactly 0`, () => {
      const p = pred();
      const grad = new Float32Array(p.size).fill(Number.NaN); // overwritten everywhere
      loss.compute(p, target, grad, rowWeights);
      const weighted: Loss = { name: loss.name, compute: (a, b, g) => loss.compute(a, b, g, rowWeights) };
      expectAllClose(grad, numericLossGradient(weighted, p, target), 2e-3, 1e-2);
      expect(Array.from(grad.subarray(4, 6))).toEqual([0, 0]); // row 2 has weight 0
    });

    it(`${label}: weights of 1 (or null) give exactly the unweighted numbers`, () => {
      const p = pred();
      const plain = new Float32Array(p.size);
      const ones = new Float32Array(p.size);
      const a = loss.compute(p, target, plain);
      const b = loss.compute(p, target, ones, new Float32Array(6).fill(1));
      expect(b).toBe(a);
      expect(loss.compute(p, target, null, null)).toBe(a);
      expect(Array.from(ones)).toEqual(Array.from(plain));
    });
  }

  it('a zero-weight row may hold any placeholder class id (a padded step)', () => {
    const loss = new SparseCategoricalCrossentropy();
    const p = t([[0.2, 0.8], [0.5, 0.5]]);
    expect(loss.compute(p, t([1, -1]), null, Float32Array.from([2, 0]))).toBeCloseTo((2 * -Math.log(0.8)) / 2, 6);
  });

  it('weights of the wrong length are a ShapeError naming the loss', () => {
    const p = t([[0.2, 0.8], [0.5, 0.5]]);
    expect(() => new MeanSquaredError().compute(p, t([[0, 1], [1, 0]]), null, new Float32Array(3))).toThrow(ShapeError);
    expect(() => new SparseCategoricalCrossentropy().compute(p, t([1, 0]), null, new Float32Array(4))).toThrow(/sparseCategoricalCrossentropy: weights/);
  });
});

describe('weighted metrics (Keras Mean: Σ w·v / Σ w)', () => {
  it('MAE and RMSE skip zero-weight rows and weigh the others', () => {
    const mae = new MeanErrorMetric('mae');
    // rows: |1−0|+|2−0| = 3 (w 1), |5−1|+|NaN| ignored (w 0), |0−2|+|0−0| = 2 (w 3)
    mae.update(t([[1, 2], [5, Number.NaN], [0, 0]]), t([[0, 0], [1, 0], [2, 0]]), Float32Array.from([1, 0, 3]));
    expect(mae.result()).toBeCloseTo((3 + 3 * 2) / (2 * (1 + 3)), 7);
    const rmse = new MeanErrorMetric('rmse');
    rmse.update(t([[1], [3]]), t([[0], [0]]), Float32Array.from([1, 0]));
    rmse.update(t([[2]]), t([[0]]));
    expect(rmse.result()).toBeCloseTo(Math.sqrt((1 + 4) / 2), 7);
  });

  it('accuracy counts weighted rows, per step for per-step outputs', () => {
    const sparse = new Accuracy('sparseCategorical');
    // [1, 3, 2]: steps 0 and 1 correct, step 2 wrong but masked
    sparse.update(t([[[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]]), t([[1, 0, 0]]), Float32Array.from([1, 1, 0]));
    expect(sparse.result()).toBe(1);
    const binary = new Accuracy('binary');
    binary.update(t([[0.9], [0.2], [0.7]]), t([[1], [1], [0]]), Float32Array.from([2, 1, 1]));
    expect(binary.result()).toBeCloseTo(2 / 4, 7);
    const categorical = new Accuracy('categorical');
    categorical.update(t([[0.9, 0.1], [0.2, 0.8]]), t([[1, 0], [1, 0]]), Float32Array.from([0.5, 1.5]));
    expect(categorical.result()).toBeCloseTo(0.25, 7);
  });

  it('metric weights of the wrong length are a ShapeError', () => {
    expect(() => new MeanErrorMetric('mse').update(t([[1], [2]]), t([[1], [2]]), new Float32Array(1))).toThrow(ShapeError);
    expect(() => new Accuracy('binary').update(t([[1], [2]]), t([[1], [2]]), new Float32Array(3))).toThrow(ShapeError);
  });
});
