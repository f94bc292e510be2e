import { describe, expect, it } from 'vitest';
import { ConfigError, TrainingDivergedError } from '../../src/errors';
import { loadModel } from '../../src/io/load';
import { Dense } from '../../src/layers/dense';
import { GRU } from '../../src/layers/gru';
import { LSTM } from '../../src/layers/lstm';
import { Sequential, type CompileOptions } from '../../src/model/sequential';
import { Random } from '../../src/random';
import { Tensor } from '../../src/tensor';
import type { OptimizerConfig, OptimizerState } from '../../src/train/optimizers';
import { TerminateOnNaN } from '../../src/train/callbacks';
import { rejectionOf } from '../../../../test-support/rejection';
import { tempDir } from '../../../../test-support/temp-dirs';

/** Noisy sine windows: `[n, steps, 1]` inputs, the next value as `[n, 1]` target (values within ±1). */
function sineData(n: number, steps = 6, seed = 3): { x: Tensor; y: Tensor } {
  const rng = new Random(seed);
  const x = new Float32Array(n * steps);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const phase = rng.uniform(0, 2 * Math.PI);
    for (let t = 0; t < steps; t++) x[i * steps + t] = Math.sin(phase + 0.4 * t) + 0.05 * rng.normal();
    y[i] = Math.sin(phase + 0.4 * steps);
  }
  return { x: new Tensor(x, [n, steps, 1]), y: new Tensor(y, [n, 1]) };
}

function recurrentModel(kind: 'lstm' | 'gru', optimizer: OptimizerConfig, extra: Partial<CompileOptions> = {}, seed = 11): Sequential {
  const Layer = kind === 'lstm' ? LSTM : GRU;
  const model = new Sequential([new Layer({ units: 8, inputShape: [6, 1] }), new Dense({ units: 1 })], { seed });
  model.compile({ optimizer, loss: 'mse', ...extra });
  return model;
}

/** Weights and optimizer state, deep-copied, to compare exactly. */
function snapshot(model: Sequential): { weights: number[][]; state: { iterations: number; slots: Record<string, number[][]> } } {
  const state = model.optimizer.getState();
  return {
    weights: model.getWeights().map((w) => Array.from(w)),
    state: { iterations: state.iterations, slots: Object.fromEntries(Object.entries(state.slots).map(([k, v]) => [k, v.map((b) => Array.from(b))])) },
  };
}

function expectAllFinite(model: Sequential): void {
  for (const w of model.getWeights()) expect(w.every(Number.isFinite)).toBe(true);
  for (const buffers of Object.values(model.optimizer.getState().slots)) for (const b of buffers) expect(b.every(Number.isFinite)).toBe(true);
}

async function divergedError(run: Promise<unknown>): Promise<TrainingDivergedError> {
  const err = await rejectionOf(run);
  expect(err).toBeInstanceOf(TrainingDivergedError);
  return err as TrainingDivergedError;
}

const optimizers: OptimizerConfig[] = [
  { name: 'adam', learningRate: 0.01 },
  { name: 'adam', learningRate: 0.01, amsgrad: true },
  { name: 'adamw', learningRate: 0.01 },
  { name: 'rmsprop', learningRate: 0.01, momentum: 0.5, centered: true },
  { name: 'adagrad', learningRate: 0.05 },
  { name: 'sgd', learningRate: 0.05, momentum: 0.9 },
];

describe('a diverging step leaves weights and optimizer state exactly as before it', () => {
  for (const config of optimizers) {
    const label = `${config.name}${config.amsgrad ? ' (amsgrad)' : ''}`;
    it(`${label}: an overflowing step is undone, training resumes, and the model saves and loads`, async () => {
      const { x, y } = sineData(16);
      const model = recurrentModel('lstm', config);
      await model.trainOnBatch(x, y);
      await model.trainOnBatch(x, y);
      const before = snapshot(model);
      model.optimizer.learningRate = 1e300; // every update overflows float32
      const err = await divergedError(model.trainOnBatch(x, y));
      expect(err.message).toMatch(/the optimizer step made .*put back to before this step/);
      expect(snapshot(model)).toEqual(before);
      model.optimizer.learningRate = config.learningRate;
      const loss = await model.trainOnBatch(x, y);
      expect(Number.isFinite(loss)).toBe(true);
      expectAllFinite(model);
      const dir = tempDir();
      await model.save(dir);
      const loaded = await loadModel(dir);
      expect(loaded.optimizer.getState().iterations).toBe(3);
    });
  }

  it('a step that overflows only an optimizer slot (Adam v = Infinity, weights finite) is undone too', async () => {
    const { x, y } = sineData(8);
    // Without the explosion check, so that the step itself is what fails.
    const model = recurrentModel('gru', { name: 'adam', learningRate: 0.01 }, { divergence: false });
    await model.trainOnBatch(x, y);
    const before = snapshot(model);
    // Targets of 1e21: the loss (1e42, float64) is finite, the gradients ~1e21 are finite float32,
    // but their squares overflow Adam's second moment while m / sqrt(v) = 0 leaves the weights finite.
    const huge = new Tensor(new Float32Array(8).fill(1e21), [8, 1]);
    const err = await divergedError(model.trainOnBatch(x, huge, {}));
    expect(err.message).toMatch(/the optimizer's 'v' state of .* holds Infinity/);
    expect(snapshot(model)).toEqual(before);
    await model.trainOnBatch(x, y);
    expectAllFinite(model);
  });

  it('save() refuses non-finite optimizer state instead of writing a file loadModel would refuse', async () => {
    const { x, y } = sineData(8);
    const model = recurrentModel('lstm', { name: 'adam', learningRate: 0.01 });
    await model.trainOnBatch(x, y);
    const dir = tempDir();
    await model.save(dir);
    const state = model.optimizer.getState() as OptimizerState;
    state.slots.m[1][0] = -Infinity;
    model.optimizer.setState(state);
    await expect(model.save(dir)).rejects.toThrow(/cannot save state 'optimizer\/slots\/m\/1': it holds -Infinity at index 0/);
    expect((await loadModel(dir)).optimizer.getState().slots.m[1][0]).not.toBe(-Infinity); // the old save is intact
  });
});

describe('a loss that explodes while staying finite is divergence', () => {
  for (const [kind, name] of [
    ['lstm', 'adam'],
    ['gru', 'adam'],
    ['lstm', 'rmsprop'],
    ['gru', 'rmsprop'],
  ] as const) {
    it(`${kind.toUpperCase()} with ${name} at learning rate 1e6 stops with a clear error and finite, resumable state`, async () => {
      const { x, y } = sineData(32);
      const model = recurrentModel(kind, { name, learningRate: 1e6 });
      const initial = snapshot(model);
      const err = await divergedError(model.fit(x, y, { epochs: 20, batchSize: 8, verbose: 0, shuffle: false }));
      expect(err.message).toMatch(/diverged at epoch \d+, batch \d+: the loss \S+ is more than 10000 times the \S+ it started from/);
      expect(err.message).toMatch(/divergence: false turns this check off/);
      expectAllFinite(model);
      // The first step already explodes the loss; undoing it gives back the model as it was.
      expect(err.message).toMatch(/put back to before the step of epoch 1, batch 1/);
      expect(snapshot(model)).toEqual(initial);
      model.optimizer.learningRate = 0.01;
      const history = await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
      expect(history.history.loss.every(Number.isFinite)).toBe(true);
    });
  }

  it('with TerminateOnNaN a non-finite batch loss ends fit as in Keras: it returns, the weights finite', async () => {
    // logit = w·x with w = 1e20 (SGD at learning rate 0 never moves it): x = 1e-3 gives a finite loss,
    // x = 1e30 overflows float32 to Infinity.
    const model = () => {
      const m = new Sequential([new Dense({ units: 1, inputShape: [1], useBias: false })], { seed: 1 });
      m.compile({ optimizer: { name: 'sgd', learningRate: 0 }, loss: 'mse', divergence: false });
      m.setWeights([Float32Array.of(1e20)]);
      return m;
    };
    const x = new Tensor(Float32Array.of(1e-3, 1e-3, 1e30), [3, 1]);
    const y = new Tensor(Float32Array.of(0, 0, 0), [3, 1]);
    const warnings: string[] = [];
    const terminate = new TerminateOnNaN({ logger: { log: () => undefined, warn: (line) => warnings.push(line) } });
    const stopped = model();
    const history = await stopped.fit(x, y, { epochs: 3, batchSize: 1, shuffle: false, verbose: 0, callbacks: [terminate] });
    expect(warnings).toEqual(['Batch 2: invalid loss Infinity, terminating training']);
    // The epoch it stopped in logs the non-finite loss, as Keras's running mean would.
    expect(history.epoch).toEqual([0]);
    expect(history.history.loss).toEqual([Infinity]);
    expectAllFinite(stopped);
    const first = model();
    const early = await first.fit(new Tensor(Float32Array.of(1e30), [1, 1]), new Tensor(Float32Array.of(0), [1, 1]), { epochs: 2, verbose: 0, callbacks: [new TerminateOnNaN({ logger: { log: () => undefined, warn: () => undefined } })] });
    expect(early.history.loss).toEqual([Infinity]);
    // Without TerminateOnNaN it is an error, as before.
    await expect(model().fit(x, y, { epochs: 3, batchSize: 1, shuffle: false, verbose: 0 })).rejects.toThrow(TrainingDivergedError);
  });

  it('undoes nothing when the weights were replaced since the last step', async () => {
    const { x, y } = sineData(8);
    const model = recurrentModel('lstm', { name: 'adam', learningRate: 1e6 });
    await model.trainOnBatch(x, y); // sets the reference loss, then a huge step
    const replaced = model.getWeights().map((w) => w.map((v) => v * 1.5));
    model.setWeights(replaced);
    const err = await divergedError(model.trainOnBatch(x, y));
    expect(err.message).toMatch(/were replaced after the last step \(trainOnBatch\), so that step was not undone/);
    expect(model.getWeights()).toEqual(replaced);
  });

  it('divergence: false turns the explosion check off; maxLossGrowth moves it; bad values are a ConfigError', async () => {
    const { x, y } = sineData(16);
    const off = recurrentModel('lstm', { name: 'adam', learningRate: 1e6 }, { divergence: false });
    // Without the check, only a non-finite value stops training, and 3 epochs stay finite here.
    const history = await off.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0 }).catch((e: Error) => e);
    if (history instanceof Error) expect(history.message).not.toMatch(/times the/);
    else expect(Math.max(...history.history.loss)).toBeGreaterThan(1e6);
    const loose = recurrentModel('gru', { name: 'adam', learningRate: 1e6 }, { divergence: { maxLossGrowth: 1e30 } });
    await loose.trainOnBatch(x, y);
    expect(await loose.trainOnBatch(x, y)).toBeGreaterThan(1e6); // explodes, within the allowed growth
    expect(() => recurrentModel('lstm', { name: 'adam', learningRate: 1 }, { divergence: { maxLossGrowth: 1 } })).toThrow(ConfigError);
    expect(() => recurrentModel('lstm', { name: 'adam', learningRate: 1 }, { divergence: { maxGrowth: 5 } as never })).toThrow(
      /unknown option 'maxGrowth'/,
    );
  });

  it('the divergence setting is saved with the compile settings', async () => {
    const model = recurrentModel('gru', { name: 'adam', learningRate: 0.01 }, { divergence: { maxLossGrowth: 1e8 } });
    const dir = tempDir();
    await model.save(dir);
    expect((await loadModel(dir)).compileConfig?.divergence).toEqual({ maxLossGrowth: 1e8 });
  });
});

describe('healthy training never trips the divergence check', () => {
  it('an LSTM learning noisy sines with Adam at 0.01 for 30 epochs', async () => {
    const { x, y } = sineData(64);
    const model = recurrentModel('lstm', { name: 'adam', learningRate: 0.01 });
    const history = await model.fit(x, y, { epochs: 30, batchSize: 16, verbose: 0 });
    expect(history.history.loss.at(-1)!).toBeLessThan(history.history.loss[0]);
  });

  it('resuming from a near-perfect model, and batches whose sample weights differ by 1e6', async () => {
    const { x, y } = sineData(32);
    const model = recurrentModel('gru', { name: 'adam', learningRate: 0.02 });
    await model.fit(x, y, { epochs: 40, batchSize: 8, verbose: 0 });
    // Sample weights of 1 for the first batch (which sets the reference) and 1e6 later on.
    const sampleWeight = new Tensor(new Float32Array(32).map((_, i) => (i < 8 ? 1 : 1e6)), [32]);
    const history = await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, shuffle: false, sampleWeight });
    expect(history.history.loss.every(Number.isFinite)).toBe(true);
  });

  it('a softmax classifier (an all-zero prediction has no finite cross-entropy, so the batch loss is the reference)', async () => {
    const { x } = sineData(32);
    const labels = new Tensor(Float32Array.from({ length: 32 }, (_, i) => i % 3), [32]);
    const model = new Sequential([new LSTM({ units: 8, inputShape: [6, 1] }), new Dense({ units: 3, activation: 'softmax' })], { seed: 4 });
    model.compile({ optimizer: { name: 'adam', learningRate: 0.01 }, loss: 'sparseCategoricalCrossentropy' });
    const history = await model.fit(x, labels, { epochs: 5, batchSize: 8, verbose: 0 });
    expect(history.history.loss.every(Number.isFinite)).toBe(true);
  });
});
