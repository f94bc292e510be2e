import { Adam, Dense, GRU, LSTM, SGD, Sequential, SimpleRNN, Tensor } from '@rnn/core';
import { describe, expect, it } from 'vitest';
import { expectClose, type Tolerance } from '../../src/testing/compare';
import { type FixtureTensor, loadTrainingCases, type TrainingCase } from '../../src/testing/fixtures';

/**
 * Training parity through the public API: a recurrent layer (last step) and Dense(1), trained with
 * MSE by SGD / SGD with momentum / Adam, against the same model trained by PyTorch in float64
 * (`tools/fixtures/generate.py`).
 */

/** Predictions and losses: float32 forward of a 6-step network against float64. */
const OUTPUT_TOLERANCE: Tolerance = { atol: 1e-5, rtol: 1e-5 };
/**
 * Weights after 1–3 steps: the update carries gradient rounding (~1e-5 relative) times the
 * learning rate, and Adam's first steps move each weight by ~lr whatever the gradient's size, so
 * a tiny gradient's rounding shows; 1e-4 still catches any wrong update rule.
 */
const WEIGHT_TOLERANCE: Tolerance = { atol: 1e-4, rtol: 1e-4 };

const tensor = (t: FixtureTensor): Tensor => new Tensor(Float32Array.from(t.data), t.shape);

function buildModel(c: TrainingCase): Sequential {
  const options = { units: c.units, inputShape: c.inputShape };
  const recurrent = c.cell === 'lstm' ? new LSTM(options) : c.cell === 'gru' ? new GRU(options) : new SimpleRNN(options);
  const model = new Sequential([recurrent, new Dense({ units: 1 })], { seed: 1 });
  const o = c.optimizer;
  const optimizer =
    o.name === 'sgd'
      ? new SGD({ learningRate: o.learningRate, momentum: o.momentum ?? 0 })
      : new Adam({ learningRate: o.learningRate, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon });
  model.compile({ optimizer, loss: c.loss });
  return model;
}

function expectStateDict(model: Sequential, expected: Record<string, FixtureTensor>, what: string): void {
  const actual = model.stateDict();
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [key, value] of Object.entries(expected)) {
    expect(actual[key].shape, `${what}: shape of ${key}`).toEqual(value.shape);
    expectClose(actual[key].data, value.data, WEIGHT_TOLERANCE, `${what}: ${key}`);
  }
}

/** The fixture's prefixed state dict split into the recurrent layer's and the Dense layer's own keys. */
function perLayer(dict: Record<string, FixtureTensor>): [Record<string, FixtureTensor>, Record<string, FixtureTensor>] {
  const parts: [Record<string, FixtureTensor>, Record<string, FixtureTensor>] = [{}, {}];
  for (const [key, value] of Object.entries(dict)) {
    const [index, name] = key.split(/\.(.+)/);
    parts[Number(index)][name] = value;
  }
  return parts;
}

describe.each(loadTrainingCases().map((c) => [c.name, c] as const))('training parity with PyTorch: %s', (_name, c) => {
  it('loads the PyTorch state dict (index-prefixed keys) and predicts the same', async () => {
    const model = buildModel(c);
    model.loadStateDict(c.initialStateDict);
    expectStateDict(model, c.initialStateDict, `${c.name} initial`);
    const pred = await model.predict(tensor(c.x));
    expect(pred.shape).toEqual(c.initialPredictions.shape);
    expectClose(pred.data, c.initialPredictions.data, OUTPUT_TOLERANCE, `${c.name}: initial predictions`);
  });

  it('per-layer loadStateDict (keys without the index) gives the same predictions', async () => {
    const model = buildModel(c);
    const [recurrent, dense] = perLayer(c.initialStateDict);
    model.layers[0].loadStateDict(recurrent);
    model.layers[1].loadStateDict(dense);
    const pred = await model.predict(tensor(c.x));
    expectClose(pred.data, c.initialPredictions.data, OUTPUT_TOLERANCE, `${c.name}: predictions after per-layer load`);
  });

  it(`three ${c.optimizer.name} steps: losses and weights after each step match`, async () => {
    const model = buildModel(c);
    model.loadStateDict(c.initialStateDict);
    for (const [i, step] of c.steps.entries()) {
      const loss = await model.trainOnBatch(tensor(c.x), tensor(c.y));
      expectClose([loss], [step.loss], OUTPUT_TOLERANCE, `${c.name}: loss of step ${i + 1}`);
      expectStateDict(model, step.stateDict, `${c.name} after step ${i + 1}`);
    }
  });
});
