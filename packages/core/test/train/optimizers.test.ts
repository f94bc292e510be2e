import { describe, expect, it } from 'vitest';
import { ConfigError, ShapeError, StateDictError } from '../../src/errors';
import {
  Adagrad,
  Adam,
  AdamW,
  RMSprop,
  SGD,
  clipGradientNorm,
  getOptimizer,
  type Optimizer,
} from '../../src/train/optimizers';
import type { Parameter } from '../../src/train/parameter';
import { expectAllClose, parameter } from './helpers';

/*
 * Reference values from PyTorch 1.13 (float32): two parameters, three steps on fixed gradients,
 * final parameter values flattened.
 *
 *   import torch
 *   from torch.nn.utils import clip_grad_norm_, clip_grad_value_
 *   init = [[0.5, -1.2, 2.0], [0.1, 0.3, -0.7, 0.9]]
 *   grads = [...]                        # the `steps` below
 *   def run(make, clip=None):
 *       ps = [torch.tensor(v, requires_grad=True) for v in init]; opt = make(ps)
 *       for g in grads:
 *           for p, gv in zip(ps, g): p.grad = torch.tensor(gv)
 *           if clip == 'norm':   [clip_grad_norm_([p], 0.5) for p in ps]
 *           if clip == 'value':  clip_grad_value_(ps, 0.3)
 *           if clip == 'global': clip_grad_norm_(ps, 1.0)
 *           opt.step()
 *       return [v for p in ps for v in p.detach().tolist()]
 *   O = torch.optim
 *   run(lambda ps: O.SGD(ps, lr=0.1))                                               # etc., see each case
 */
const init = [
  [0.5, -1.2, 2.0],
  [0.1, 0.3, -0.7, 0.9],
];
const steps = [
  [[0.3, -0.8, 1.5], [0.02, -0.4, 0.6, 2.5]],
  [[-0.2, 0.5, 0.9], [0.1, 0.0, -0.3, 1.0]],
  [[0.05, -0.01, 0.02], [0.001, 0.003, -0.002, 0.004]], // small, so AMSGrad's running max matters
];

function freshParams(): Parameter[] {
  return init.map((v, i) => parameter(`p${i}`, v, v.map(() => 0)));
}

function run(optimizer: Optimizer, params = freshParams(), from = 0, to = steps.length): number[] {
  for (let s = from; s < to; s++) {
    params.forEach((p, i) => p.grad.set(steps[s][i]));
    optimizer.step(params);
  }
  return params.flatMap((p) => Array.from(p.value));
}

const cases: [string, () => Optimizer, number[]][] = [
  // O.SGD(ps, lr=0.1)
  ['sgd', () => new SGD({ learningRate: 0.1 }), [0.485000014, -1.16899991, 1.758000016, 0.087900005, 0.339700013, -0.729799986, 0.549599946]],
  // O.SGD(ps, lr=0.1, momentum=0.9)
  ['sgd momentum', () => new SGD({ learningRate: 0.1, momentum: 0.9 }), [0.451700002, -1.077200055, 1.42050004, 0.075480007, 0.408100009, -0.805399954, 0.032099962]],
  // O.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)
  [
    'sgd nesterov weightDecay',
    () => new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
    [0.437748998, -1.049480677, 1.222248435, 0.065085173, 0.434167862, -0.818526208, -0.235807791],
  ],
  // O.Adam(ps, lr=0.01, eps=1e-7)
  ['adam', () => new Adam({ learningRate: 0.01 }), [0.48657006, -1.186854601, 1.972951055, 0.07467135, 0.321832031, -0.714703083, 0.874058723]],
  // O.Adam(ps, lr=0.01, betas=(0.8, 0.99), eps=1e-7, amsgrad=True, weight_decay=0.1)
  [
    'adam amsgrad weightDecay',
    () => new Adam({ learningRate: 0.01, beta1: 0.8, beta2: 0.99, amsgrad: true, weightDecay: 0.1 }),
    [0.483682841, -1.184264064, 1.97280097, 0.073559843, 0.319000244, -0.710308731, 0.874528229],
  ],
  // O.AdamW(ps, lr=0.01, eps=1e-7, weight_decay=0.004)
  ['adamw defaults', () => new AdamW({ learningRate: 0.01 }), [0.486510903, -1.186711431, 1.972712278, 0.074660502, 0.321794957, -0.714618206, 0.873951912]],
  // O.AdamW(ps, lr=0.05, eps=1e-7, weight_decay=0.5)
  [
    'adamw weightDecay 0.5',
    () => new AdamW({ learningRate: 0.05, weightDecay: 0.5 }),
    [0.398929387, -1.049189448, 1.722139716, -0.030412275, 0.383911729, -0.719515443, 0.708059192],
  ],
  // O.RMSprop(ps, lr=0.01, alpha=0.9, eps=1e-7)
  ['rmsprop', () => new RMSprop({ learningRate: 0.01 }), [0.481821805, -1.185407758, 1.951078296, 0.036981869, 0.331359237, -0.716775, 0.856039524]],
  // O.RMSprop(ps, lr=0.01, alpha=0.9, eps=1e-7, centered=True, momentum=0.5, weight_decay=0.01)
  [
    'rmsprop centered momentum weightDecay',
    () => new RMSprop({ learningRate: 0.01, centered: true, momentum: 0.5, weightDecay: 0.01 }),
    [0.463087946, -1.166358948, 1.912679076, -0.008790274, 0.357295454, -0.734960496, 0.821304381],
  ],
  // O.Adagrad(ps, lr=0.1, initial_accumulator_value=0.1, eps=1e-7)
  ['adagrad', () => new Adagrad({ learningRate: 0.1 }), [0.462508649, -1.156248808, 1.850396872, 0.063290633, 0.377858132, -0.747743487, 0.763757408]],
  // O.Adagrad(ps, lr=0.1, initial_accumulator_value=0.0, eps=1e-7, weight_decay=0.2)
  [
    'adagrad weightDecay',
    () => new Adagrad({ learningRate: 0.1, initialAccumulatorValue: 0, weightDecay: 0.2 }),
    [0.397821456, -1.104662538, 1.827394605, -0.076747328, 0.355190009, -0.707126021, 0.754941404],
  ],
  // O.SGD(ps, lr=1.0) with clip_grad_norm_([p], 0.5) per parameter
  ['sgd clipNorm', () => new SGD({ learningRate: 1, clipNorm: 0.5 }), [0.458453536, -1.196651816, 1.116479158, 0.04748372, 0.373863965, -0.670276701, -0.061130576]],
  // O.SGD(ps, lr=1.0) with clip_grad_value_(ps, 0.3)
  ['sgd clipValue', () => new SGD({ learningRate: 1, clipValue: 0.3 }), [0.349999964, -1.190000057, 1.380000114, -0.021000003, 0.597000003, -0.698000014, 0.295999944]],
  // O.SGD(ps, lr=1.0) with clip_grad_norm_(ps, 1.0)
  [
    'sgd globalClipNorm',
    () => new SGD({ learningRate: 1, globalClipNorm: 1 }),
    [0.488764942, -1.270900011, 0.892846048, 0.025175059, 0.42509988, -0.687889993, -0.578823626],
  ],
];

describe('optimizers against torch.optim (3 steps)', () => {
  for (const [label, make, expected] of cases) {
    it(label, () => {
      // float32 storage in both; the TypeScript side rounds once per stored value instead of per op.
      expectAllClose(run(make()), expected, 2e-6, 2e-6);
    });
  }

  it('state round-trips: resuming from getState() gives the same numbers as an uninterrupted run', () => {
    for (const [label, make] of cases) {
      const straight = run(make());
      const params = freshParams();
      const first = make();
      run(first, params, 0, 1);
      const state = JSON.parse(JSON.stringify(first.getState(), (_k, v) => (v instanceof Float32Array ? Array.from(v) : v)));
      const restored = make();
      restored.setState({
        name: state.name,
        iterations: state.iterations,
        slots: Object.fromEntries(Object.entries(state.slots as Record<string, number[][]>).map(([k, v]) => [k, v.map((b) => Float32Array.from(b))])),
      });
      expect(restored.getState().iterations, label).toBe(1);
      expect(run(restored, params, 1), label).toEqual(straight);
    }
  });
});

describe('gradient clipping helpers', () => {
  it('clipGradientNorm matches torch.nn.utils.clip_grad_norm_ (max_norm / (norm + 1e-6))', () => {
    // torch: g = [3, 4]; clip_grad_norm_([p], 1.0) → norm 5, g = [3, 4] · 1 / (5 + 1e-6)
    const g = Float32Array.from([3, 4]);
    expect(clipGradientNorm([g], 1)).toBeCloseTo(5, 12);
    expectAllClose(g, [3 / (5 + 1e-6), 4 / (5 + 1e-6)], 1e-7);
    const small = Float32Array.from([0.3, 0.4]);
    clipGradientNorm([small], 1);
    expect(Array.from(small)).toEqual([Math.fround(0.3), Math.fround(0.4)]);
  });
});

describe('optimizer bookkeeping', () => {
  it('learningRate is mutable and validated', () => {
    const adam = new Adam();
    adam.learningRate = 0.5;
    expect(adam.learningRate).toBe(0.5);
    expect(adam.getConfig().learningRate).toBe(0.5);
    expect(() => (adam.learningRate = -1)).toThrow(/Adam: learningRate must be a number >= 0, got -1/);
  });

  it('defaults follow Keras', () => {
    expect(new SGD().getConfig()).toEqual({ name: 'sgd', learningRate: 0.01, momentum: 0, nesterov: false, weightDecay: 0 });
    expect(new Adam().getConfig()).toEqual({
      name: 'adam',
      learningRate: 0.001,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
      amsgrad: false,
      weightDecay: 0,
    });
    expect(new AdamW().getConfig()).toMatchObject({ name: 'adamw', weightDecay: 0.004, learningRate: 0.001 });
    expect(new RMSprop().getConfig()).toMatchObject({ rho: 0.9, epsilon: 1e-7, momentum: 0, centered: false });
    expect(new Adagrad().getConfig()).toMatchObject({ learningRate: 0.001, initialAccumulatorValue: 0.1, epsilon: 1e-7 });
    expect(new SGD({ clipNorm: 1 }).getConfig().clipNorm).toBe(1);
  });

  it('slot buffers are allocated once and reused', () => {
    const adam = new Adam();
    const params = freshParams();
    run(adam, params, 0, 1);
    const before = adam.getState();
    expect(before.iterations).toBe(1);
    expect(Object.keys(before.slots)).toEqual(['m', 'v']);
    expect(before.slots.m.map((b) => b.length)).toEqual([3, 4]);
    // getState returns copies: mutating them does not change the optimizer.
    before.slots.m[0][0] = 99;
    expect(adam.getState().slots.m[0][0]).not.toBe(99);
  });

  it('a different parameter list on a later step is a ShapeError', () => {
    const sgd = new SGD({ momentum: 0.5 });
    const params = freshParams();
    run(sgd, params, 0, 1);
    expect(() => sgd.step([params[0]])).toThrow(ShapeError);
    expect(() => sgd.step([params[0]])).toThrow(/got 1 parameters, but its state was built for 2/);
    const bad: Parameter = { name: 'w', shape: [2], value: new Float32Array(2), grad: new Float32Array(3) };
    expect(() => new SGD().step([bad])).toThrow(/parameter 0 \('w'\) has 2 values but 3 gradient values/);
  });

  it('setState rejects foreign or malformed state with a StateDictError', () => {
    const adam = new Adam();
    expect(() => adam.setState(new SGD().getState())).toThrow(StateDictError);
    expect(() => adam.setState({ name: 'adam', iterations: 1, slots: { m: [] } })).toThrow(/missing \[v\]/);
    expect(() => adam.setState({ name: 'adam', iterations: -1, slots: { m: [], v: [] } })).toThrow(/iterations/);
    run(adam);
    expect(() =>
      adam.setState({ name: 'adam', iterations: 3, slots: { m: [new Float32Array(2), new Float32Array(4)], v: [new Float32Array(2), new Float32Array(4)] } }),
    ).toThrow(/slot 'm'\[0\] has 2 values, the parameter has 3/);
  });
});

describe('getOptimizer', () => {
  it('resolves names in any case, configs and instances', () => {
    expect(getOptimizer('adam')).toBeInstanceOf(Adam);
    expect(getOptimizer('RMSprop' as 'rmsprop')).toBeInstanceOf(RMSprop);
    expect(getOptimizer('AdamW' as 'adamw')).toBeInstanceOf(AdamW);
    expect(getOptimizer('SGD' as 'sgd')).toBeInstanceOf(SGD);
    expect(getOptimizer('adagrad')).toBeInstanceOf(Adagrad);
    const sgd = new SGD({ learningRate: 0.2, momentum: 0.9, nesterov: true, clipValue: 1 });
    expect(getOptimizer(sgd)).toBe(sgd);
    expect(getOptimizer(sgd.getConfig()).getConfig()).toEqual(sgd.getConfig());
  });

  it('an unknown name is a ConfigError listing the allowed names', () => {
    expect(() => getOptimizer('adadelta' as 'adam')).toThrow(ConfigError);
    expect(() => getOptimizer('adadelta' as 'adam')).toThrow(/Unknown optimizer 'adadelta'; allowed names are sgd, adam, adamw, rmsprop, adagrad/);
    expect(() => getOptimizer(null as unknown as 'adam')).toThrow(ConfigError);
  });
});

describe('bad hyper-parameters are ConfigErrors naming the option', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => new SGD({ learningRate: -0.1 }), /SGD: learningRate must be a number >= 0, got -0.1/],
    [() => new SGD({ learningRate: NaN }), /SGD: learningRate must/],
    [() => new SGD({ momentum: 1.5 }), /SGD: momentum must be a number in \[0, 1\], got 1.5/],
    [() => new SGD({ nesterov: true }), /SGD: option 'nesterov' needs 'momentum' > 0/],
    [() => new SGD({ weightDecay: -1 }), /SGD: weightDecay must/],
    [() => new Adam({ beta1: 1 }), /Adam: beta1 must be a number in \[0, 1\), got 1/],
    [() => new Adam({ beta2: -0.1 }), /Adam: beta2 must/],
    [() => new Adam({ epsilon: -1e-8 }), /Adam: epsilon must/],
    [() => new Adam({ amsgrad: 1 as unknown as boolean }), /Adam: amsgrad must be true or false/],
    [() => new Adam({ learningrate: 0.1 } as never), /Adam: unknown option 'learningrate' \(did you mean 'learningRate'\?\); allowed options are learningRate, clipNorm/],
    [() => new AdamW({ weightDecay: -0.5 }), /AdamW: weightDecay must/],
    [() => new RMSprop({ rho: 1.2 }), /RMSprop: rho must/],
    [() => new RMSprop({ momentum: -1 }), /RMSprop: momentum must/],
    [() => new Adagrad({ initialAccumulatorValue: -0.1 }), /Adagrad: initialAccumulatorValue must/],
    [() => new Adam({ clipNorm: 0 }), /Adam: clipNorm must be a number > 0, got 0/],
    [() => new Adam({ clipValue: -1 }), /Adam: clipValue must/],
    [() => new Adam({ globalClipNorm: Infinity }), /Adam: globalClipNorm must/],
    [() => new Adam({ clipNorm: 1, clipValue: 1 }), /Adam: only one of clipNorm, clipValue and globalClipNorm can be set, got clipNorm and clipValue/],
  ];
  for (const [make, message] of cases) {
    it(message.source, () => {
      expect(make).toThrow(ConfigError);
      expect(make).toThrow(message);
    });
  }
});
