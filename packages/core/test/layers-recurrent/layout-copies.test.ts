import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Bidirectional } from '../../src/layers/bidirectional';
import { Dense } from '../../src/layers/dense';
import type { Layer } from '../../src/layers/layer';
import { GRU } from '../../src/layers/gru';
import { LSTM } from '../../src/layers/lstm';
import { Sequential } from '../../src/model/sequential';
import { Random } from '../../src/random';
import { Tensor } from '../../src/tensor';

process.env.RNN_BACKEND ??= 'fallback';

/** Layout copies of activations (feature rows wider than 1; step masks are not counted), by function. */
const copies = vi.hoisted(() => new Map<string, number>());

vi.mock('../../src/layers/sequence-layout', async (importOriginal) => {
  const layout = await importOriginal<typeof import('../../src/layers/sequence-layout')>();
  // Each of these takes the feature width as its fourth argument.
  const counted =
    <A extends [Float32Array, number, number, number, ...unknown[]]>(name: string, copy: (...args: A) => Float32Array) =>
    (...args: A): Float32Array => {
      if (args[3] > 1) copies.set(name, (copies.get(name) ?? 0) + 1);
      return copy(...args);
    };
  return {
    ...layout,
    toTimeMajor: counted('toTimeMajor', layout.toTimeMajor),
    toBatchFirst: counted('toBatchFirst', layout.toBatchFirst),
    flipTime: counted('flipTime', layout.flipTime),
    flipSteps: counted('flipSteps', layout.flipSteps),
  };
});

const [B, T, F] = [4, 6, 3];

/** Layout copies made by one training step and by one predict of a model of `layers`. */
async function copiesOf(layers: Layer[], outputShape: number[]): Promise<{ train: number; predict: number }> {
  const model = new Sequential(layers, { seed: 5 });
  model.compile({ optimizer: 'adam', loss: 'mse' });
  const random = new Random(9);
  const x = new Tensor(new Float32Array(B * T * F).map(() => random.normal()), [B, T, F]);
  const y = new Tensor(new Float32Array(outputShape.reduce((a, b) => a * b)).map(() => random.normal()), outputShape);
  await model.trainOnBatch(x, y); // builds the model
  const total = () => [...copies.values()].reduce((a, b) => a + b, 0);
  copies.clear();
  await model.trainOnBatch(x, y);
  const train = total();
  copies.clear();
  await model.predict(x);
  return { train, predict: total() };
}

describe('a stack of recurrent layers transposes at its ends only', () => {
  beforeEach(() => copies.clear());

  it('LSTM → LSTM → Dense: one copy in a training step (the input), none in predict (the kernel reads the input batch-first)', async () => {
    const layers = [new LSTM({ units: 5, returnSequences: true, inputShape: [T, F] }), new LSTM({ units: 4 }), new Dense({ units: 2 })];
    expect(await copiesOf(layers, [B, 2])).toEqual({ train: 1, predict: 0 });
  });

  it('a sequence out of the stack into Dense costs one copy each way', async () => {
    const layers = [new GRU({ units: 5, returnSequences: true, inputShape: [T, F] }), new LSTM({ units: 4, returnSequences: true }), new Dense({ units: 2 })];
    expect(await copiesOf(layers, [B, T, 2])).toEqual({ train: 3, predict: 1 });
  });

  it('Bidirectional runs its reverse direction without flips and hands its sequence on time-major', async () => {
    const layers = [new Bidirectional({ layer: new LSTM({ units: 3, returnSequences: true }), inputShape: [T, F] }), new GRU({ units: 4 }), new Dense({ units: 2 })];
    expect(await copiesOf(layers, [B, 2])).toEqual({ train: 1, predict: 0 });
    expect(copies.get('flipTime') ?? 0).toBe(0);
  });

  it('goBackwards between two recurrent layers flips once, time-major', async () => {
    const layers = [new LSTM({ units: 5, returnSequences: true, goBackwards: true, inputShape: [T, F] }), new LSTM({ units: 4 }), new Dense({ units: 2 })];
    // Forward: the input (training only), then y flipped to processing order; backward: dy flipped back.
    expect(await copiesOf(layers, [B, 2])).toEqual({ train: 3, predict: 1 });
  });
});
