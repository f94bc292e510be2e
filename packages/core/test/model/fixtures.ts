import { Dense } from '../../src/layers/dense';
import { Sequential } from '../../src/model/sequential';
import { Random } from '../../src/random';
import { Tensor } from '../../src/tensor';

/** A tensor's values as their bit patterns, so that expectations compare bit for bit. */
export const tensorBits = (t: Tensor): number[] => Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.size));

/** A linear regression set: y = 2·x0 − x1 + 0.5·x2 + 0.3 (no noise), `n` samples of 3 features. */
export function linearData(n: number, seed = 1): { x: Tensor; y: Tensor } {
  const rng = new Random(seed);
  const x = new Float32Array(n * 3); // [n, 3]
  const y = new Float32Array(n); // [n, 1]
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 3; j++) x[i * 3 + j] = rng.uniform(-1, 1);
    y[i] = 2 * x[i * 3] - x[i * 3 + 1] + 0.5 * x[i * 3 + 2] + 0.3;
  }
  return { x: new Tensor(x, [n, 3]), y: new Tensor(y, [n, 1]) };
}

/** Dense(8, tanh) → Dense(1), compiled with Adam and MSE (+ MAE). */
export function smallModel(seed: number, learningRate = 0.05): Sequential {
  const model = new Sequential([new Dense({ units: 8, activation: 'tanh', inputShape: [3] }), new Dense({ units: 1 })], { seed });
  model.compile({ optimizer: { name: 'adam', learningRate }, loss: 'mse', metrics: ['mae'] });
  return model;
}
