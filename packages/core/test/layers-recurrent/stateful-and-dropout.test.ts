import { describe, expect, it } from 'vitest';
import { ShapeError } from '../../src/errors';
import { GRU } from '../../src/layers/gru';
import { LSTM } from '../../src/layers/lstm';
import { SimpleRNN } from '../../src/layers/simple-rnn';
import { Random } from '../../src/random';
import { Tensor } from '../../src/tensor';
import { backend, context, randomTensor } from './helpers';

const B = 2;
const I = 3;
const H = 4;

/** Steps [from, to) of a batch-first [B, T, I] tensor. */
function steps(x: Tensor, from: number, to: number): Tensor {
  const [b, t, f] = x.shape;
  const out = new Float32Array(b * (to - from) * f);
  for (let i = 0; i < b; i++) out.set(x.data.subarray((i * t + from) * f, (i * t + to) * f), i * (to - from) * f);
  return new Tensor(out, [b, to - from, f]);
}

describe('stateful layers', () => {
  it('carry the final states into the next batch: two halves equal one whole sequence', async () => {
    const x = randomTensor([B, 6, I], 41);
    const whole = new LSTM({ units: H, returnSequences: true, seed: 3 });
    const stateful = new LSTM({ units: H, returnSequences: true, stateful: true, seed: 3 });
    const full = await whole.apply(x, { backend });
    const first = await stateful.apply(steps(x, 0, 3), { backend });
    const second = await stateful.apply(steps(x, 3, 6), { backend });
    expect(Array.from(first.output.data)).toEqual(Array.from(steps(full.output, 0, 3).data));
    expect(Array.from(second.output.data)).toEqual(Array.from(steps(full.output, 3, 6).data));
    expect(Array.from(second.states[1].data)).toEqual(Array.from(full.states[1].data));
  });

  it('forward (the model path) carries too, and resetStates() starts from zeros again', async () => {
    const x = randomTensor([B, 3, I], 42);
    const layer = new GRU({ units: H, stateful: true, seed: 4 });
    const a = await layer.forward(x, null, context(false));
    const b = await layer.forward(x, null, context(false));
    expect(Array.from(b.y.data)).not.toEqual(Array.from(a.y.data));
    layer.resetStates();
    const c = await layer.forward(x, null, context(false));
    expect(Array.from(c.y.data)).toEqual(Array.from(a.y.data));
  });

  it('a different batch size while carrying state is a ShapeError; after resetStates() it is fine', async () => {
    const layer = new SimpleRNN({ units: H, stateful: true, seed: 5, name: 'carry' });
    await layer.apply(randomTensor([B, 2, I], 43), { backend });
    await expect(layer.apply(randomTensor([3, 2, I], 44), { backend })).rejects.toThrow(
      new ShapeError('carry is stateful with batch size 2, got a batch of 3; keep the batch size fixed (or call resetStates())'),
    );
    layer.resetStates();
    await expect(layer.apply(randomTensor([3, 2, I], 44), { backend })).resolves.toBeDefined();
  });

  it('non-stateful layers start every batch from zeros', async () => {
    const x = randomTensor([B, 3, I], 45);
    const layer = new LSTM({ units: H, seed: 6 });
    const a = await layer.apply(x, { backend });
    const b = await layer.apply(x, { backend });
    expect(Array.from(b.output.data)).toEqual(Array.from(a.output.data));
  });
});

describe('dropout', () => {
  const x = randomTensor([B, 5, I], 46);

  it('is off at inference and on in training', async () => {
    const plain = new GRU({ units: H, seed: 7 });
    const dropped = new GRU({ units: H, seed: 7, dropout: 0.5, recurrentDropout: 0.5 });
    const ref = await plain.apply(x, { backend });
    expect(Array.from((await dropped.apply(x, { backend })).output.data)).toEqual(Array.from(ref.output.data));
    expect(Array.from((await dropped.apply(x, { backend, training: true })).output.data)).not.toEqual(Array.from(ref.output.data));
  });

  it('is reproducible: the same seed gives the same training outputs, through apply and through forward', async () => {
    const run = async () => (await new LSTM({ units: H, seed: 8, dropout: 0.3, recurrentDropout: 0.3 }).apply(x, { backend, training: true })).output;
    expect(Array.from((await run()).data)).toEqual(Array.from((await run()).data));
    const layer = new LSTM({ units: H, seed: 8, dropout: 0.3, recurrentDropout: 0.3 });
    layer.build([null, I], new Random(0));
    const a = await layer.forward(x, null, context(true, 99));
    const b = await layer.forward(x, null, context(true, 99));
    const c = await layer.forward(x, null, context(true, 100));
    expect(Array.from(a.y.data)).toEqual(Array.from(b.y.data));
    expect(Array.from(a.y.data)).not.toEqual(Array.from(c.y.data));
  });

  it('drops whole input features for the whole sequence (one mask per sequence, scaled by 1/(1-p))', async () => {
    // dropout 0.5 and a linear SimpleRNN with W_hh = 0: y_t = W_ih (m ⊙ x_t), so dx = m ⊙ W_ihᵀ dy per step.
    const layer = new SimpleRNN({ units: 1, activation: 'linear', useBias: false, dropout: 0.5, returnSequences: true, seed: 9 });
    layer.build([null, 2], new Random(0));
    layer.loadStateDict({ weight_ih_l0: [[1, 1]], weight_hh_l0: [[0]] });
    const ones = new Tensor(new Float32Array(1 * 50 * 2).fill(1), [1, 50, 2]);
    await layer.forward(ones, null, context(true, 3));
    const dx = (await layer.backward(new Tensor(new Float32Array(50).fill(1), [1, 50, 1]), context(true)))!;
    const first = [dx.data[0], dx.data[1]];
    for (const v of first) expect([0, 2]).toContain(v);
    for (let t = 1; t < 50; t++) expect([dx.data[2 * t], dx.data[2 * t + 1]]).toEqual(first);
  });
});
