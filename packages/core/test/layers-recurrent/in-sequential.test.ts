import { describe, expect, it } from 'vitest';
import { Bidirectional } from '../../src/layers/bidirectional';
import { Dense } from '../../src/layers/dense';
import { Embedding } from '../../src/layers/embedding';
import { GRU } from '../../src/layers/gru';
import { LSTM } from '../../src/layers/lstm';
import { Sequential } from '../../src/model/sequential';

// The model picks its backend through getBackend(); these tests run on the fallback unless told otherwise.
process.env.RNN_BACKEND ??= 'fallback';

/** Token sequences (ids 1–4, zero-padded at the end) labelled 1 when they contain the id 3. */
function dataset(n: number, steps: number): { x: number[][]; y: number[][] } {
  const x: number[][] = [];
  const y: number[][] = [];
  let s = 12345;
  const next = (k: number) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % k;
  };
  for (let i = 0; i < n; i++) {
    const length = 2 + next(steps - 1);
    const row = Array.from({ length: steps }, (_, t) => (t < length ? 1 + next(4) : 0));
    x.push(row);
    y.push([row.includes(3) ? 1 : 0]);
  }
  return { x, y };
}

describe('recurrent layers inside Sequential', () => {
  it('Embedding(maskZero) → Bidirectional(LSTM) → GRU → Dense learns a masked task; state dict keys are indexed', async () => {
    const model = new Sequential(
      [
        new Embedding({ inputDim: 5, outputDim: 4, maskZero: true, inputShape: [6] }),
        new Bidirectional({ layer: new LSTM({ units: 5, returnSequences: true }) }),
        new GRU({ units: 4 }),
        new Dense({ units: 1, activation: 'sigmoid' }),
      ],
      { seed: 7 },
    );
    model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const { x, y } = dataset(64, 6);
    const before = (await model.evaluate(x, y)).loss;
    await model.fit(x, y, { epochs: 25, batchSize: 16, verbose: 0 });
    const after = (await model.evaluate(x, y)).loss;
    expect(after).toBeLessThan(0.6 * before);
    expect(Object.keys(model.stateDict())).toEqual([
      '0.weight',
      '1.weight_ih_l0',
      '1.weight_hh_l0',
      '1.bias_ih_l0',
      '1.bias_hh_l0',
      '1.weight_ih_l0_reverse',
      '1.weight_hh_l0_reverse',
      '1.bias_ih_l0_reverse',
      '1.bias_hh_l0_reverse',
      '2.weight_ih_l0',
      '2.weight_hh_l0',
      '2.bias_ih_l0',
      '2.bias_hh_l0',
      '3.weight',
      '3.bias',
    ]);
  });

  it('the same model seed gives the same initial predictions', async () => {
    const make = () => new Sequential([new LSTM({ units: 3, inputShape: [4, 2] }), new Dense({ units: 1 })], { seed: 3 });
    const x = [[[0.1, 0.2], [0.3, -0.1], [0.0, 0.5], [-0.2, 0.1]]];
    expect(Array.from((await make().predict(x)).data)).toEqual(Array.from((await make().predict(x)).data));
  });
});
