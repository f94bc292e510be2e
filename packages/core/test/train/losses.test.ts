import { describe, expect, it } from 'vitest';
import { ConfigError, DataError, ShapeError } from '../../src/errors';
import {
  BinaryCrossentropy,
  CategoricalCrossentropy,
  Huber,
  MeanAbsoluteError,
  MeanSquaredError,
  SparseCategoricalCrossentropy,
  getLoss,
  type Loss,
} from '../../src/train/losses';
import type { Tensor } from '../../src/tensor';
import { expectAllClose, numericLossGradient, t } from './helpers';

/*
 * Reference numbers from PyTorch 1.13 in float64 (loss value, then dLoss/dPred flattened):
 *
 *   import torch, torch.nn.functional as F
 *   torch.set_default_dtype(torch.float64)
 *   p = torch.tensor([[0.2, -1.3, 0.7], [1.5, 0.0, -0.4]], requires_grad=True)
 *   t = torch.tensor([[0.0, -1.0, 2.0], [1.0, 0.5, -0.4]])
 *   F.mse_loss(p, t) / F.l1_loss(p, t) / F.huber_loss(p, t, delta=1.0) / F.huber_loss(p, t, delta=0.5)
 *   pb = torch.tensor([[0.1, 0.8], [0.65, 0.3], [0.999, 0.02]]); tb = torch.tensor([[0., 1.], [1., 0.], [1., 1.]])
 *   F.binary_cross_entropy(pb, tb)
 *   xb = torch.tensor([[2.0, -1.0], [0.3, 40.0], [-35.0, 0.0]]); F.binary_cross_entropy_with_logits(xb, tb)
 *   pc = torch.tensor([[[0.2, 0.5, 0.3], [0.6, 0.1, 0.4]], [[0.05, 0.05, 0.9], [0.3, 0.3, 0.4]]])
 *   tc = torch.tensor([[[0., 1., 0.], [1., 0., 0.]], [[0., 0., 1.], [0.2, 0.3, 0.5]]])
 *   q = (pc / pc.sum(-1, keepdim=True)).clamp(1e-7, 1 - 1e-7)      # Keras's probability path
 *   -(tc * q.log()).sum(-1).mean()                                   # categorical
 *   xc = torch.tensor([[[1., 2., -.5], [0., 0., 3.]], [[-2., 1.5, .5], [50., -50., 0.]]])
 *   F.cross_entropy(xc.reshape(-1, 3), tc.reshape(-1, 3))            # categorical, logits
 *   ids = torch.tensor([[1, 0], [2, 2]])
 *   F.nll_loss(q.log().reshape(-1, 3), ids.reshape(-1))              # sparse categorical
 *   F.cross_entropy(xc.reshape(-1, 3), ids.reshape(-1))              # sparse categorical, logits
 *   # each followed by loss.backward(); p.grad
 */
const regressionPred = [[0.2, -1.3, 0.7], [1.5, 0.0, -0.4]];
const regressionTarget = [[0.0, -1.0, 2.0], [1.0, 0.5, -0.4]];
const binaryProbs = [[0.1, 0.8], [0.65, 0.3], [0.999, 0.02]];
const binaryLogits = [[2.0, -1.0], [0.3, 40.0], [-35.0, 0.0]];
const binaryTarget = [[0, 1], [1, 0], [1, 1]];
const classProbs = [[[0.2, 0.5, 0.3], [0.6, 0.1, 0.4]], [[0.05, 0.05, 0.9], [0.3, 0.3, 0.4]]];
const classLogits = [[[1, 2, -0.5], [0, 0, 3]], [[-2, 1.5, 0.5], [50, -50, 0]]];
const classTarget = [[[0, 1, 0], [1, 0, 0]], [[0, 0, 1], [0.2, 0.3, 0.5]]];
const classIds = [[1, 0], [2, 2]];

interface Case {
  loss: Loss;
  pred: number[][] | number[][][];
  target: number[][] | number[][][];
  value: number;
  grad: number[];
  /** Skip the finite-difference check (clipping or kinks make it meaningless at these points). */
  noFiniteDifference?: boolean;
}

const cases: Record<string, Case> = {
  mse: {
    loss: new MeanSquaredError(),
    pred: regressionPred,
    target: regressionTarget,
    value: 0.3866666666666667,
    grad: [0.0666666667, -0.1, -0.4333333333, 0.1666666667, -0.1666666667, 0.0],
  },
  mae: {
    loss: new MeanAbsoluteError(),
    pred: regressionPred,
    target: regressionTarget,
    value: 0.4666666666666666,
    grad: [0.1666666667, -0.1666666667, -0.1666666667, 0.1666666667, -0.1666666667, 0.0],
    noFiniteDifference: true, // |d| has a kink at d = 0 (last element)
  },
  'huber delta=1': {
    loss: new Huber(),
    pred: regressionPred,
    target: regressionTarget,
    value: 0.18583333333333338,
    grad: [0.0333333333, -0.05, -0.1666666667, 0.0833333333, -0.0833333333, 0.0],
  },
  'huber delta=0.5': {
    loss: new Huber({ delta: 0.5 }),
    pred: regressionPred,
    target: regressionTarget,
    value: 0.14,
    grad: [0.0333333333, -0.05, -0.0833333333, 0.0833333333, -0.0833333333, 0.0],
  },
  binaryCrossentropy: {
    loss: new BinaryCrossentropy(),
    pred: binaryProbs,
    target: binaryTarget,
    value: 0.8381642387941586,
    grad: [0.1851851852, -0.2083333333, -0.2564102564, 0.2380952381, -0.1668335002, -8.3333333333],
  },
  'binaryCrossentropy fromLogits': {
    loss: new BinaryCrossentropy({ fromLogits: true }),
    pred: binaryLogits,
    target: binaryTarget,
    value: 13.281282020598278,
    grad: [0.146799513, -0.1218430964, -0.0709262472, 0.1666666667, -0.1666666667, -0.0833333333],
  },
  categoricalCrossentropy: {
    loss: new CategoricalCrossentropy(),
    pred: classProbs,
    target: classTarget,
    value: 0.6161938169720331,
    grad: [0.25, -0.25, 0.25, -0.1893939394, 0.2272727273, 0.2272727273, 0.25, 0.25, -0.0277777778, 0.0833333333, 0.0, -0.0625],
  },
  'categoricalCrossentropy fromLogits': {
    loss: new CategoricalCrossentropy({ fromLogits: true }),
    pred: classLogits,
    target: classTarget,
    value: 14.950389895947453,
    grad: [
      0.0634290454, -0.0775819785, 0.0141529331, -0.2386803748, 0.0113196252, 0.2273607496, 0.0053998076, 0.178817069,
      -0.1842168766, 0.2, -0.075, -0.125,
    ],
  },
  sparseCategoricalCrossentropy: {
    loss: new SparseCategoricalCrossentropy(),
    pred: classProbs,
    target: classIds,
    value: 0.5802335579155605,
    grad: [0.25, -0.25, 0.25, -0.1893939394, 0.2272727273, 0.2272727273, 0.25, 0.25, -0.0277777778, 0.25, 0.25, -0.375],
  },
  'sparseCategoricalCrossentropy fromLogits': {
    loss: new SparseCategoricalCrossentropy({ fromLogits: true }),
    pred: classLogits,
    target: classIds,
    value: 13.700389895947453,
    grad: [
      0.0634290454, -0.0775819785, 0.0141529331, -0.2386803748, 0.0113196252, 0.2273607496, 0.0053998076, 0.178817069,
      -0.1842168766, 0.25, 0.0, -0.25,
    ],
  },
};

describe('losses against PyTorch', () => {
  for (const [label, c] of Object.entries(cases)) {
    it(`${label}: value and gradient`, () => {
      const pred = t(c.pred);
      const grad = new Float32Array(pred.size).fill(123); // compute must overwrite, not accumulate
      const value = c.loss.compute(pred, t(c.target), grad);
      // Inputs are float32 copies of the float64 reference inputs: ~1e-7 relative.
      expect(Math.abs(value - c.value)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(c.value)));
      expectAllClose(grad, c.grad, 1e-6, 1e-5);
      expect(c.loss.compute(pred, t(c.target), null)).toBe(value);
    });

    if (!c.noFiniteDifference) {
      it(`${label}: gradient matches finite differences`, () => {
        const pred = t(c.pred);
        const target = t(c.target);
        const grad = new Float32Array(pred.size);
        c.loss.compute(pred, target, grad);
        // Central differences with h = 1e-3: truncation error O(h²·f''') stays below 1e-4 here.
        expectAllClose(grad, numericLossGradient(c.loss, pred, target), 2e-4, 1e-3);
      });
    }
  }
});

describe('probability clipping (Keras epsilon 1e-7)', () => {
  it('binaryCrossentropy clips 0 and 1 and gives no gradient there', () => {
    const grad = new Float32Array(2);
    const value = new BinaryCrossentropy().compute(t([0, 1]), t([1, 0]), grad);
    // Both terms are −log(1e-7): (log(1e7) + log(1e7)) / 2.
    expect(value).toBeCloseTo(Math.log(1e7), 6);
    expect(Array.from(grad)).toEqual([0, 0]);
  });

  it('categoricalCrossentropy clips a zero probability of the true class', () => {
    const value = new CategoricalCrossentropy().compute(t([[0, 1]]), t([[1, 0]]), null);
    expect(value).toBeCloseTo(Math.log(1e7), 6);
  });

  it('fromLogits paths stay finite for huge logits', () => {
    const grad = new Float32Array(3);
    const value = new CategoricalCrossentropy({ fromLogits: true }).compute(t([[1000, -1000, 0]]), t([[0, 1, 0]]), grad);
    expect(value).toBeCloseTo(2000, 6);
    expectAllClose(grad, [1, -1, 0], 1e-7);
    expect(new BinaryCrossentropy({ fromLogits: true }).compute(t([-1000]), t([1]), null)).toBeCloseTo(1000, 6);
  });
});

describe('shapes', () => {
  it('accepts [batch] targets for [batch, 1] predictions and the reverse', () => {
    const mse = new MeanSquaredError();
    expect(mse.compute(t([[1], [2]]), t([0, 0]), null)).toBeCloseTo(2.5, 10);
    expect(mse.compute(t([1, 2]), t([[0], [0]]), null)).toBeCloseTo(2.5, 10);
  });

  it('sparse ids may be [batch] or [batch, 1]', () => {
    const loss = new SparseCategoricalCrossentropy({ fromLogits: true });
    const logits = t([[0, 0], [0, 0]]);
    expect(loss.compute(logits, t([0, 1]), null)).toBeCloseTo(Math.log(2), 6);
    expect(loss.compute(logits, t([[0], [1]]), null)).toBeCloseTo(Math.log(2), 6);
  });

  it('a mismatched target is a ShapeError naming the loss and both shapes', () => {
    const run = (): number => new MeanSquaredError().compute(t([[1, 2]]), t([[1, 2, 3]]), null);
    expect(run).toThrow(ShapeError);
    expect(run).toThrow(/mse: target shape \[1, 3\] does not match prediction shape \[1, 2\]/);
    expect(() => new SparseCategoricalCrossentropy().compute(t([[0.5, 0.5]]), t([[0, 1]]), null)).toThrow(
      /sparseCategoricalCrossentropy: target class ids must have shape \[1\] or \[1, 1\].*got \[1, 2\]/,
    );
  });

  it('a wrongly sized gradient buffer is a ShapeError', () => {
    expect(() => new Huber().compute(t([1, 2]), t([1, 2]), new Float32Array(3))).toThrow(
      /huber: gradient buffer must hold 2 values/,
    );
  });

  it('class ids out of range or fractional are a DataError', () => {
    const loss = new SparseCategoricalCrossentropy();
    const pred: Tensor = t([[0.5, 0.5], [0.5, 0.5]]);
    expect(() => loss.compute(pred, t([0, 2]), null)).toThrow(DataError);
    expect(() => loss.compute(pred, t([0, 2]), null)).toThrow(/row 1 must be an integer in \[0, 1\], got 2/);
    expect(() => loss.compute(pred, t([0.5, 1]), null)).toThrow(/row 0 .* got 0.5/);
    expect(() => loss.compute(pred, t([-1, 1]), null)).toThrow(DataError);
  });
});

describe('getLoss', () => {
  it('resolves names, Keras aliases, configs and instances', () => {
    expect(getLoss('mse')).toBeInstanceOf(MeanSquaredError);
    expect(getLoss('mean_squared_error')).toBeInstanceOf(MeanSquaredError);
    expect(getLoss('meanAbsoluteError')).toBeInstanceOf(MeanAbsoluteError);
    expect(getLoss('sparse_categorical_crossentropy')).toBeInstanceOf(SparseCategoricalCrossentropy);
    const huber = getLoss({ name: 'huber', delta: 2 }) as Huber;
    expect(huber.delta).toBe(2);
    const bce = new BinaryCrossentropy({ fromLogits: true });
    expect(getLoss(bce)).toBe(bce);
    expect((getLoss(bce.getConfig()) as BinaryCrossentropy).fromLogits).toBe(true);
  });

  it('an unknown name is a ConfigError listing the allowed names', () => {
    expect(() => getLoss('hinge' as 'mse')).toThrow(ConfigError);
    expect(() => getLoss('hinge' as 'mse')).toThrow(/Unknown loss 'hinge'; allowed names are mse, mae, huber, binaryCrossentropy/);
    expect(() => getLoss(42 as unknown as 'mse')).toThrow(ConfigError);
  });

  it('bad options are ConfigErrors naming the option', () => {
    expect(() => new Huber({ delta: 0 })).toThrow(/Huber: delta must be a number > 0, got 0/);
    expect(() => new BinaryCrossentropy({ fromLogits: 'yes' as unknown as boolean })).toThrow(
      /BinaryCrossentropy: fromLogits must be true or false/,
    );
    expect(() => new CategoricalCrossentropy({ from_logits: true } as never)).toThrow(
      /CategoricalCrossentropy: unknown option 'from_logits' \(did you mean 'fromLogits'\?\); allowed options are fromLogits/,
    );
  });
});
