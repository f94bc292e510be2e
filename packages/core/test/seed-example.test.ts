import { describe, expect, it } from 'vitest';
import { Dense } from '../src/layers/dense';
import { SimpleRNN } from '../src/layers/simple-rnn';
import { Sequential } from '../src/model/sequential';
import { Tensor } from '../src/tensor';

/**
 * The worked example from the project's seed: an Elman RNN with sigmoid activation, 2 inputs and
 * 2 hidden units, every weight 1 and a total bias of 1 per unit, read out by y_t = σ(W_hy·h_t + b_y)
 * with W_hy = [1 1] and b_y = 1. Our layout has two biases (PyTorch's), so b_ih = 1 and b_hh = 0.
 *
 * The tutorial this comes from prints h_1 = 0.5; that is wrong: h_1 = σ(1·1 + 0·1 + 1) = σ(2) ≈ 0.881.
 * The values below are worked out by hand from the equations, not copied from the tutorial.
 */
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

describe('seed worked example: SimpleRNN(2, sigmoid) → Dense(1, sigmoid)', () => {
  it('reproduces the hand-computed hidden states and outputs', async () => {
    const model = new Sequential([
      new SimpleRNN({ units: 2, activation: 'sigmoid', returnSequences: true, inputShape: [4, 2] }),
      new Dense({ units: 1, activation: 'sigmoid' }),
    ]);
    const ones = (shape: number[]) => new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape);
    model.loadStateDict({
      '0.weight_ih_l0': ones([2, 2]),
      '0.weight_hh_l0': ones([2, 2]),
      '0.bias_ih_l0': ones([2]),
      '0.bias_hh_l0': new Tensor(new Float32Array(2), [2]),
      '1.weight': ones([1, 2]),
      '1.bias': ones([1]),
    });
    const x = [[[1, 0], [0, 1], [1, 1], [1, 0]]];

    // h_t = σ(x_t,1 + x_t,2 + 1 + 2·h_{t−1}) for each of the two (identical) units.
    const h1 = sigmoid(1 + 0 + 1 + 0); // σ(2)
    const h2 = sigmoid(0 + 1 + 1 + 2 * h1);
    const h3 = sigmoid(1 + 1 + 1 + 2 * h2);
    const h4 = sigmoid(1 + 0 + 1 + 2 * h3);
    expect(h1).toBeCloseTo(0.880797, 6);
    expect(h2).toBeCloseTo(0.977281, 6);
    expect(h3).toBeCloseTo(0.992998, 6);
    expect(h4).toBeCloseTo(0.981765, 6);
    // y_t = σ(h_t + h_t + 1)
    const expected = [h1, h2, h3, h4].map((h) => sigmoid(2 * h + 1));
    expect(expected[0]).toBeCloseTo(0.940565, 6);

    const y = await model.predict(x);
    expect(y.shape).toEqual([1, 4, 1]);
    for (let t = 0; t < 4; t++) expect(Math.abs(y.data[t] - expected[t])).toBeLessThan(1e-6);

    // The hidden states themselves, from the recurrent layer alone.
    const rnnOut = await new Sequential([model.layers[0]]).predict(x);
    const hs = [h1, h2, h3, h4];
    for (let t = 0; t < 4; t++) {
      expect(Math.abs(rnnOut.data[2 * t] - hs[t])).toBeLessThan(1e-6);
      expect(Math.abs(rnnOut.data[2 * t + 1] - hs[t])).toBeLessThan(1e-6);
    }
  });
});
