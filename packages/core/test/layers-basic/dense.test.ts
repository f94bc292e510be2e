import { describe, expect, it } from 'vitest';
import { ConfigError, ShapeError, StateDictError } from '../../src/errors';
import { Dense } from '../../src/layers/dense';
import { Random } from '../../src/random';
import { Tensor } from '../../src/tensor';
import { finiteDifference, projectedLoss, randomTensor, runContext } from './helpers';

const O = 3;
const I = 4;

/** The layer and input of the PyTorch reference below. */
function referenceSetup(): { layer: Dense; x: Tensor; r: Float32Array } {
  const layer = new Dense({ units: O, activation: 'tanh', inputShape: [null, I] });
  layer.build([null, I], new Random(1));
  const weight = new Float32Array(O * I);
  for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) weight[o * I + i] = 0.1 * (o + 1) - 0.05 * i;
  const bias = Float32Array.from({ length: O }, (_, o) => 0.2 - 0.1 * o);
  layer.loadStateDict({ weight: new Tensor(weight, [O, I]), bias: new Tensor(bias, [O]) });
  const x = new Tensor(Float32Array.from({ length: 2 * 3 * I }, (_, n) => Math.sin(n)), [2, 3, I]);
  const r = Float32Array.from({ length: 2 * 3 * O }, (_, n) => Math.cos(n));
  return { layer, x, r };
}

// torch: y = tanh(x @ W.T + b) on x [2, 3, 4]; (y * r).sum().backward(); float32.
const TORCH_Y = [0.23078413, 0.31330538, 0.39135173, 0.043496743, -0.18802729, -0.40038466, 0.3535904, 0.24988279, 0.14010665, 0.13402542, 0.18512616, 0.23524499, 0.11513313, -0.16779332, -0.42553875, 0.35873938, 0.34951508, 0.34022254];
const TORCH_DX = [0.08640366, 0.032323994, -0.021755671, -0.07583534, -0.15346219, -0.08443892, -0.015415669, 0.053607583, 0.18258472, 0.11236936, 0.042153981, -0.028061397, -0.25028515, -0.16524026, -0.080195352, 0.0048495508, 0.29323933, 0.20191221, 0.11058509, 0.019257952, -0.30732012, -0.22002491, -0.13272966, -0.045434441];
const TORCH_DW = [1.2150756, 0.36014062, -0.8259061, -1.2526183, 0.58990085, -0.58572251, -1.2228354, -0.73567897, -0.57800078, -0.89320153, -0.38719687, 0.47479478];
const TORCH_DB = [0.074726701, -0.20552915, -0.38402197];

function expectClose(actual: ArrayLike<number>, expected: number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThan(tol);
}

describe('Dense', () => {
  it('matches PyTorch forward and backward on [batch, steps, features] (per step), to 1e-6', async () => {
    const { layer, x, r } = referenceSetup();
    const ctx = runContext(true);
    const { y, mask } = await layer.forward(x, null, ctx);
    expect(y.shape).toEqual([2, 3, O]);
    expect(mask).toBeNull();
    expectClose(y.data, TORCH_Y, 1e-6);
    const dx = await layer.backward(new Tensor(r, y.shape), ctx);
    expect(dx!.shape).toEqual([2, 3, I]);
    expectClose(dx!.data, TORCH_DX, 1e-6);
    const [weight, bias] = layer.parameters();
    expectClose(weight.grad, TORCH_DW, 1e-5);
    expectClose(bias.grad, TORCH_DB, 1e-6);
  });

  it('accumulates parameter gradients (+=) across two backward passes', async () => {
    const { layer, x, r } = referenceSetup();
    const ctx = runContext(true);
    for (let k = 0; k < 2; k++) {
      await layer.forward(x, null, ctx);
      await layer.backward(new Tensor(r, [2, 3, O]), ctx);
    }
    expectClose(layer.parameters()[1].grad, TORCH_DB.map((v) => 2 * v), 1e-6);
  });

  for (const activation of ['linear', 'relu', 'sigmoid', 'softmax', 'gelu'] as const) {
    it(`${activation}: input, weight and bias gradients match finite differences`, async () => {
      const rng = new Random(11);
      const layer = new Dense({ units: 3, activation, inputShape: [5] });
      layer.build([5], rng);
      layer.parameters()[1].value.set([0.1, -0.2, 0.3]);
      const x = randomTensor([4, 5], rng);
      const r = randomTensor([4, 3], rng).data;
      const ctx = runContext(true);
      await layer.forward(x, null, ctx);
      const dx = (await layer.backward(new Tensor(r, [4, 3]), ctx))!;
      const loss = () => projectedLoss(layer, x, r);
      const [weight, bias] = layer.parameters();
      const checks: [Float32Array, Float32Array][] = [
        [x.data, dx.data],
        [weight.value, weight.grad],
        [bias.value, bias.grad],
      ];
      for (const [values, grad] of checks) {
        for (let i = 0; i < values.length; i += 2) {
          const numeric = await finiteDifference(values, i, loss);
          expect(Math.abs(grad[i] - numeric)).toBeLessThan(2e-3);
        }
      }
    });
  }

  it('without bias has only weight [out, in]', () => {
    const layer = new Dense({ units: 2, useBias: false });
    layer.build([3], new Random(1));
    expect(layer.parameters().map((p) => [p.name, p.shape])).toEqual([['weight', [2, 3]]]);
    expect(Object.keys(layer.stateDict())).toEqual(['weight']);
  });

  it('is initialised glorot-uniform by default: |w| ≤ sqrt(6 / (in + out)), reproducible per seed', () => {
    const make = (seed: number) => {
      const layer = new Dense({ units: 20, inputShape: [30] });
      layer.build([30], new Random(seed));
      return layer.parameters()[0].value;
    };
    const w = make(5);
    const limit = Math.sqrt(6 / 50);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(limit * 0.9);
    expect(make(5)).toEqual(w);
    expect(make(6)).not.toEqual(w);
  });

  it('rejects bad options with a ConfigError naming the option', () => {
    expect(() => new Dense({ units: 0, name: 'd' })).toThrow(/d: units must be a positive integer, got 0/);
    expect(() => new Dense({ units: 2.5 })).toThrow(ConfigError);
    expect(() => new Dense({ units: -1 })).toThrow(ConfigError);
    expect(() => new Dense({ units: 'x' as unknown as number })).toThrow(ConfigError);
    expect(() => new Dense({ units: 2, activation: 'relu7' as 'relu', name: 'd2' })).toThrow(/d2: activation must be one of/);
    expect(() => new Dense({ units: 2, kernelInitializer: 'nope' as 'zeros' })).toThrow(ConfigError);
    expect(() => new Dense({ units: 2, inputShape: [0] })).toThrow(/inputShape/);
  });

  it('rejects input with the wrong feature count, naming the layer and both shapes', async () => {
    const layer = new Dense({ units: 2, name: 'head' });
    layer.build([3], new Random(1));
    await expect(layer.forward(new Tensor(new Float32Array(8), [2, 4]), null, runContext(false))).rejects.toThrow(
      /head expected input \[batch, …, 3\], got \[2, 4\]/,
    );
    await expect(layer.forward(new Tensor(new Float32Array(8), [2, 4]), null, runContext(false))).rejects.toBeInstanceOf(ShapeError);
  });

  it('loadStateDict rejects wrong shapes, missing and extra keys', () => {
    const layer = new Dense({ units: 2, name: 'out' });
    layer.build([3], new Random(1));
    const good = layer.stateDict();
    expect(() => layer.loadStateDict({ ...good, weight: new Tensor(new Float32Array(6), [3, 2]) })).toThrow(
      /out\.weight: expected shape \[2, 3\], got \[3, 2\]/,
    );
    expect(() => layer.loadStateDict({ weight: good.weight })).toThrow(/missing out\.bias/);
    expect(() => layer.loadStateDict({ ...good, extra: good.bias })).toThrow(StateDictError);
  });
});
