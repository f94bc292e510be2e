import { describe, expect, it, vi } from 'vitest';
import { getBackend } from '../../src/backend/select';
import { ConfigError, RnnError, ShapeError } from '../../src/errors';
import { Bidirectional } from '../../src/layers/bidirectional';
import { Dense } from '../../src/layers/dense';
import { Dropout } from '../../src/layers/dropout';
import { Embedding } from '../../src/layers/embedding';
import { GRU } from '../../src/layers/gru';
import { LSTM } from '../../src/layers/lstm';
import { SimpleRNN } from '../../src/layers/simple-rnn';
import { Sequential } from '../../src/model/sequential';
import { Random } from '../../src/random';
import type { BatchOptions } from '../../src/model/model-options';
import { Tensor, type TensorLike } from '../../src/tensor';
import { tensorBits } from './fixtures';

/**
 * `model.predictor()`: a snapshot of the model for serving. Its `predict` must give what the model's
 * gave when the snapshot was taken, bit for bit (on the native backend it runs with its recurrent
 * weights held constant, packed once: test/native/held-weights.test.ts), and nothing done to the
 * model afterwards may reach it. Runs on the active backend (both, in the two test runs).
 */

function inputs(n: number, T: number, I: number, seed: number): Tensor {
  const rng = new Random(seed);
  return new Tensor(Float32Array.from({ length: n * T * I }, () => rng.uniform(-1, 1)), [n, T, I]);
}

function ids(n: number, T: number, seed: number): Tensor {
  const rng = new Random(seed);
  return new Tensor(Float32Array.from({ length: n * T }, () => Math.floor(rng.next() * 9)), [n, T]);
}

/** Models of every layer kind, each with data for it. */
const MODELS: { name: string; make: () => Sequential; x: Tensor }[] = [
  {
    name: 'LSTM → Dense (the serving shape: one sequence of 50 steps)',
    make: () => new Sequential([new LSTM({ units: 128, inputShape: [50, 64] }), new Dense({ units: 1 })], { seed: 1 }),
    x: inputs(1, 50, 64, 1),
  },
  {
    name: 'LSTM (sequences) → GRU → SimpleRNN → Dense, 7 samples',
    make: () =>
      new Sequential(
        [
          new LSTM({ units: 6, returnSequences: true, peephole: true, inputShape: [5, 3] }),
          new GRU({ units: 5, returnSequences: true, resetAfter: false }),
          new SimpleRNN({ units: 4 }),
          new Dense({ units: 2 }),
        ],
        { seed: 2 },
      ),
    x: inputs(7, 5, 3, 2),
  },
  {
    name: 'Bidirectional GRU → Dropout → Dense',
    make: () =>
      new Sequential([new Bidirectional({ layer: new GRU({ units: 9 }), inputShape: [6, 4] }), new Dropout({ rate: 0.5 }), new Dense({ units: 3 })], {
        seed: 3,
      }),
    x: inputs(3, 6, 4, 3),
  },
  {
    name: 'Embedding (masked) → LSTM → Dense, built from data',
    make: () => new Sequential([new Embedding({ inputDim: 9, outputDim: 4, maskZero: true }), new LSTM({ units: 5 }), new Dense({ units: 1 })], { seed: 4 }),
    x: ids(4, 7, 4),
  },
];

describe('model.predictor()', () => {
  for (const { name, make, x } of MODELS) {
    it(`${name}: predicts what the model predicts, bit for bit`, async () => {
      const model = make();
      const expected = await model.predict(x, { batchSize: 3 });
      const predictor = model.predictor();
      expect(tensorBits(await predictor.predict(x, { batchSize: 3 }))).toEqual(tensorBits(expected));
      expect(tensorBits(await predictor.predict(x, { batchSize: 3 }))).toEqual(tensorBits(expected)); // and again, packed weights reused
      expect(tensorBits(await predictor.predict(x))).toEqual(tensorBits(await model.predict(x)));
      predictor.dispose();
    });
  }

  it('is a snapshot: training, setWeights and writes into the parameters after it change the model, not it', async () => {
    const model = new Sequential([new GRU({ units: 8, inputShape: [6, 3] }), new Dense({ units: 2 })], { seed: 5 });
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const x = inputs(4, 6, 3, 5);
    const y = new Tensor(new Float32Array(8).fill(0.5), [4, 2]);
    const before = tensorBits(await model.predict(x));
    const predictor = model.predictor();
    await model.trainOnBatch(x, y);
    expect(tensorBits(await model.predict(x))).not.toEqual(before);
    expect(tensorBits(await predictor.predict(x))).toEqual(before);
    model.setWeights(model.getWeights().map((w) => w.map((v) => v * 0.5)));
    model.parameters()[1].value[0] += 1; // weight_hh_l0, in place
    expect(tensorBits(await model.predict(x))).not.toEqual(before);
    expect(tensorBits(await predictor.predict(x))).toEqual(before);
    // A new predictor snapshots the weights as they are now.
    expect(tensorBits(await model.predictor().predict(x))).toEqual(tensorBits(await model.predict(x)));
  });

  it('answers overlapping calls as it answers them one after another', async () => {
    const model = new Sequential([new LSTM({ units: 16, returnSequences: true, inputShape: [9, 5] }), new GRU({ units: 7 }), new Dense({ units: 1 })], { seed: 6 });
    const predictor = model.predictor();
    const xs = Array.from({ length: 8 }, (_, i) => inputs(1 + (i % 3), 9, 5, 60 + i));
    const together = await Promise.all(xs.map((x) => predictor.predict(x)));
    for (const [i, x] of xs.entries()) expect(tensorBits(together[i]), `call ${i}`).toEqual(tensorBits(await predictor.predict(x)));
  });

  it('checks its input as the model does', async () => {
    const model = new Sequential([new LSTM({ units: 3, inputShape: [4, 2] }), new Dense({ units: 1 })], { seed: 7 });
    const predictor = model.predictor();
    expect(predictor.inputShape).toEqual([4, 2]);
    const wrong = inputs(2, 4, 3, 7);
    await expect(predictor.predict(wrong)).rejects.toThrow(ShapeError);
    const message = await model.predict(wrong).catch((e: Error) => e.message);
    await expect(predictor.predict(wrong)).rejects.toThrow(message as string);
  });

  it('after dispose(), a call rejects with an RnnError saying so; a call already running finishes', async () => {
    const model = new Sequential([new SimpleRNN({ units: 4, inputShape: [3, 2] })], { seed: 8, name: 'served' });
    const predictor = model.predictor();
    const x = inputs(2, 3, 2, 8);
    const running = predictor.predict(x);
    expect(predictor.disposed).toBe(false);
    predictor.dispose();
    predictor.dispose(); // idempotent
    expect(predictor.disposed).toBe(true);
    expect(tensorBits(await running)).toEqual(tensorBits(await model.predict(x)));
    await expect(predictor.predict(x)).rejects.toThrow(RnnError);
    await expect(predictor.predict(x)).rejects.toThrow(
      'served predictor.predict: the predictor was disposed; make a new one with served.predictor()',
    );
    expect(() => predictor.inputShape).toThrow(/was disposed/);
  });

  it('refuses a model without weights, a stateful one, and one with a layer it cannot copy, with a ConfigError naming it', () => {
    const unbuilt = new Sequential([new LSTM({ units: 3 })], { name: 'unbuilt' });
    expect(() => unbuilt.predictor()).toThrow(ConfigError);
    expect(() => unbuilt.predictor()).toThrow(/^unbuilt has no weights yet/);
    const stateful = new Sequential([new GRU({ units: 3, stateful: true, inputShape: [2, 2], name: 'carry' })], { name: 'streaming' });
    expect(() => stateful.predictor()).toThrow(ConfigError);
    expect(() => stateful.predictor()).toThrow(
      'streaming.predictor(): carry is stateful; a predictor serves models whose calls carry no state between them',
    );
    // A user's own layer class: nothing knows how to rebuild it from its config.
    class Passthrough extends Dropout {
      override get className(): string {
        return 'Passthrough';
      }
    }
    const custom = new Sequential([new Passthrough({ rate: 0, inputShape: [2, 2], name: 'mine' }), new SimpleRNN({ units: 2 })], { name: 'custom' });
    expect(() => custom.predictor()).toThrow(ConfigError);
    expect(() => custom.predictor()).toThrow(/^custom\.predictor\(\): cannot copy mine: unknown layer className 'Passthrough'/);
  });
});

/**
 * Overlapping one-sequence calls on a predictor run as batches of up to three rows (call-batcher.ts),
 * and each caller still gets the bits of its call alone: the native kernels compute calls of up to
 * three rows one row at a time (test/native/few-rows.test.ts), the fallback computes rows
 * independently. The batches are seen through the predictor copy's `predict` calls.
 */
describe('model.predictor(): overlapping calls run as batches', () => {
  /** Runs `body` while recording the row counts of every `Sequential.predict` call. */
  async function batchesDuring(body: () => Promise<void>): Promise<number[]> {
    const rows: number[] = [];
    const original = Sequential.prototype.predict;
    const spy = vi.spyOn(Sequential.prototype, 'predict').mockImplementation(function (this: Sequential, x: TensorLike, options?: BatchOptions) {
      rows.push((x as Tensor).shape[0]);
      return original.call(this, x, options);
    });
    try {
      await body();
    } finally {
      spy.mockRestore();
    }
    return rows;
  }

  /** The rows of `x` as one-row tensors. */
  const rowsOf = (x: Tensor): Tensor[] => {
    const size = x.size / x.shape[0];
    return Array.from({ length: x.shape[0] }, (_, i) => new Tensor(x.data.slice(i * size, (i + 1) * size), [1, ...x.shape.slice(1)]));
  };

  for (const { name, make, x } of MODELS) {
    it(`${name}: two callers calling again and again share batches, and get the bits of their calls alone`, async () => {
      const model = make();
      const samples = rowsOf(x.rank === 3 ? inputs(6, x.shape[1], x.shape[2], 99) : ids(6, x.shape[1], 99));
      const alone = await Promise.all(samples.map(async (s) => tensorBits(await model.predict(s))));
      const predictor = model.predictor();
      const got: number[][] = new Array(samples.length);
      const batches = await batchesDuring(async () => {
        const caller = async (first: number) => {
          for (let i = first; i < samples.length; i += 2) got[i] = tensorBits(await predictor.predict(samples[i]));
        };
        await Promise.all([caller(0), caller(1)]);
      });
      expect(got).toEqual(alone);
      // The first call runs alone; the second waits for it, then rides with the first caller's next.
      // (Where the backend cannot compute two rows apart, native on one core, nothing waits.)
      expect(batches).toEqual(getBackend().loneRows() >= 2 ? [1, 2, 2, 1] : [1, 1, 1, 1, 1, 1]);
      predictor.dispose();
    });
  }

  it('makes batches of up to three rows, in call order, calls of other step counts apart', async () => {
    const model = new Sequential([new GRU({ units: 6, inputShape: [null, 3] }), new Dense({ units: 2 })], { seed: 11 });
    const predictor = model.predictor();
    const calls = [inputs(1, 4, 3, 1), inputs(2, 4, 3, 2), inputs(1, 4, 3, 3), inputs(1, 5, 3, 4), inputs(2, 4, 3, 5), inputs(1, 5, 3, 6), inputs(4, 4, 3, 7)];
    const alone = await Promise.all(calls.map(async (x) => tensorBits(await model.predict(x))));
    let got: number[][] = [];
    const batches = await batchesDuring(async () => {
      got = (await Promise.all(calls.map((x) => predictor.predict(x)))).map(tensorBits);
    });
    expect(got).toEqual(alone);
    // Alone: the first call and the 4-row one (more rows than a batch takes); then, three rows a
    // batch: [2 + 1] of 4 steps, [1 + 1] of 5 steps, [2] of 4 steps; two (native on two cores):
    // [2], [1], [1 + 1], [2]; one (native on one core): every call at once, as it comes.
    const expected: Record<number, number[]> = { 1: [1, 2, 1, 1, 2, 1, 4], 2: [1, 4, 2, 1, 2, 2], 3: [1, 4, 3, 2, 2] };
    expect(batches).toEqual(expected[Math.min(3, getBackend().loneRows())]);
  });

  it("one caller's bad input fails that call only: the batch runs again call by call", async () => {
    const model = new Sequential([new LSTM({ units: 5, inputShape: [3, 2] }), new Dense({ units: 1 })], { seed: 12 });
    const predictor = model.predictor();
    const good = [inputs(1, 3, 2, 1), inputs(1, 3, 2, 2), inputs(1, 3, 2, 3)];
    const bad = inputs(1, 3, 2, 4);
    bad.data[3] = Number.NaN;
    const message = await model.predict(bad).catch((e: Error) => e.message);
    expect(message).toMatch(/NaN/);
    const outcomes = await Promise.allSettled([predictor.predict(good[0]), predictor.predict(good[1]), predictor.predict(bad), predictor.predict(good[2])]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason.message).toBe(message);
    for (const [i, k] of [0, 1, 3].entries()) {
      expect(tensorBits((outcomes[k] as PromiseFulfilledResult<Tensor>).value)).toEqual(tensorBits(await model.predict(good[i])));
    }
  });

  it('a model call that throws at once rejects its callers, also in a batch started from a tick of its own', async () => {
    const model = new Sequential([new GRU({ units: 3, inputShape: [2, 2] })], { seed: 14 });
    const predictor = model.predictor();
    const spy = vi.spyOn(Sequential.prototype, 'predict').mockImplementation(() => {
      throw new RnnError('thrown at once');
    });
    try {
      const outcomes = await Promise.allSettled([1, 2, 3].map((seed) => predictor.predict(inputs(1, 2, 2, seed))));
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(outcomes.map((o) => (o as PromiseRejectedResult).reason.message)).toEqual(['thrown at once', 'thrown at once', 'thrown at once']);
    } finally {
      spy.mockRestore();
    }
  });

  it('a waiting call predicts its input as it was when called; waiting calls finish after dispose()', async () => {
    const model = new Sequential([new SimpleRNN({ units: 4, inputShape: [3, 2] }), new Dense({ units: 1 })], { seed: 13 });
    const predictor = model.predictor();
    const [a, b] = [inputs(1, 3, 2, 1), inputs(1, 3, 2, 2)];
    const expected = [tensorBits(await model.predict(a)), tensorBits(await model.predict(b))];
    const running = predictor.predict(a);
    const waiting = predictor.predict(b);
    if (getBackend().loneRows() >= 2) b.data.fill(0); // the caller reuses its buffer at once (the call waits)
    predictor.dispose();
    expect([tensorBits(await running), tensorBits(await waiting)]).toEqual(expected);
    await expect(predictor.predict(a)).rejects.toThrow(/was disposed/);
  });
});
