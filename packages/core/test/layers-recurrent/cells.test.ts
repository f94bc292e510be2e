import { describe, expect, it } from 'vitest';
import { GRUCell } from '../../src/cells/gru-cell';
import { LSTMCell } from '../../src/cells/lstm-cell';
import type { CellState, RecurrentCell } from '../../src/cells/recurrent-cell';
import { SimpleRNNCell } from '../../src/cells/simple-rnn-cell';
import { ConfigError, ShapeError } from '../../src/errors';
import { GRU } from '../../src/layers/gru';
import { LSTM } from '../../src/layers/lstm';
import type { RecurrentLayer } from '../../src/layers/recurrent-layer';
import { SimpleRNN } from '../../src/layers/simple-rnn';
import { Random } from '../../src/random';
import { Tensor } from '../../src/tensor';
import { backend, randomTensor } from './helpers';

const B = 3;
const T = 6;
const I = 4;
const H = 5;

/** x[:, t, :] of a batch-first [B, T, I] tensor. */
function stepSlice(x: Tensor, t: number): Tensor {
  const out = new Float32Array(B * I);
  for (let b = 0; b < B; b++) out.set(x.data.subarray((b * T + t) * I, (b * T + t + 1) * I), b * I);
  return new Tensor(out, [B, I]);
}

const pairs: [string, () => RecurrentLayer][] = [
  ['SimpleRNN', () => new SimpleRNN({ units: H, returnSequences: true, seed: 1 })],
  ['SimpleRNN relu', () => new SimpleRNN({ units: H, activation: 'relu', returnSequences: true, seed: 1 })],
  ['LSTM', () => new LSTM({ units: H, returnSequences: true, seed: 2 })],
  ['LSTM peephole', () => new LSTM({ units: H, returnSequences: true, peephole: true, seed: 3 })],
  ['GRU', () => new GRU({ units: H, returnSequences: true, seed: 4 })],
  ['GRU reset before', () => new GRU({ units: H, returnSequences: true, resetAfter: false, seed: 5 })],
];

describe('cell.step through a sequence', () => {
  for (const [label, make] of pairs) {
    it(`${label}: equals the whole-sequence layer output exactly, from a given initial state`, async () => {
      const layer = make();
      const x = randomTensor([B, T, I], 11);
      const h0 = randomTensor([B, H], 12, 0.5);
      const c0 = randomTensor([B, H], 13, 0.5);
      layer.build([T, I], new Random(0));
      const initialState = layer.cell.kind === 'lstm' ? [h0, c0] : [h0];
      const whole = await layer.apply(x, { initialState, backend });
      const cell = layer.cell as RecurrentCell<CellState>;
      let state: CellState = layer.cell.kind === 'lstm' ? { h: h0, c: c0 } : { h: h0 };
      for (let t = 0; t < T; t++) {
        const { output, state: next } = cell.step(stepSlice(x, t), state, backend);
        for (let b = 0; b < B; b++) {
          const want = whole.output.data.subarray((b * T + t) * H, (b * T + t + 1) * H);
          expect(Array.from(output.data.subarray(b * H, (b + 1) * H))).toEqual(Array.from(want));
        }
        state = next;
      }
      expect(Array.from(state.h.data)).toEqual(Array.from(whole.states[0].data));
      if (state.c) expect(Array.from(state.c.data)).toEqual(Array.from(whole.states[1].data));
    });
  }

  it('builds lazily from the first input and accepts nested arrays', () => {
    const cell = new GRUCell({ units: 2, seed: 7 });
    const out = cell.step([[0.1, 0.2, 0.3]], cell.initialState(1), backend);
    expect(out.output.shape).toEqual([1, 2]);
    expect(cell.inputSize).toBe(3);
  });

  it('rejects wrong input and state shapes with the expected and actual shapes', () => {
    const cell = new LSTMCell({ units: 4, name: 'streamer' });
    cell.build(3);
    const state = cell.initialState(2);
    expect(() => cell.step(new Tensor(new Float32Array(10), [2, 5]), state, backend)).toThrow(
      new ShapeError('streamer.step expected input [batch, 3], got [2, 5]'),
    );
    expect(() => cell.step(new Tensor(new Float32Array(6), [2, 3]), { h: state.h, c: new Tensor(new Float32Array(4), [1, 4]) }, backend)).toThrow(
      /streamer\.step expected state\.c \[2, 4\], got \[1, 4\]/,
    );
    expect(() => cell.initialState(0)).toThrow(ConfigError);
  });
});

describe('cell weights: PyTorch layout, Keras 3 initialisation', () => {
  it('LSTM: shapes and names, unit forget bias in bias_ih only, zero bias_hh', () => {
    const cell = new LSTMCell({ units: H, seed: 1 });
    cell.build(I);
    expect(cell.parameters().map((p) => [p.name, p.shape])).toEqual([
      ['weight_ih_l0', [4 * H, I]],
      ['weight_hh_l0', [4 * H, H]],
      ['bias_ih_l0', [4 * H]],
      ['bias_hh_l0', [4 * H]],
    ]);
    const bIh = Array.from(cell.biasIh!.value);
    expect(bIh).toEqual([...Array(H).fill(0), ...Array(H).fill(1), ...Array(2 * H).fill(0)]);
    expect(Array.from(cell.biasHh!.value)).toEqual(Array(4 * H).fill(0));
    const limit = Math.sqrt(6 / (I + 4 * H));
    expect(Math.max(...Array.from(cell.weightIh!.value, Math.abs))).toBeLessThanOrEqual(limit);
  });

  it('recurrent weights are Keras orthogonal [H, G·H] stored transposed: W_hhᵀ W_hh = I', () => {
    for (const cell of [new LSTMCell({ units: H, seed: 2 }), new GRUCell({ units: H, seed: 3 }), new SimpleRNNCell({ units: H, seed: 4 })]) {
      cell.build(I);
      const w = cell.weightHh!.value; // [G·H, H]
      const GH = cell.gates * H;
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < H; j++) {
          let d = 0;
          for (let r = 0; r < GH; r++) d += w[r * H + i] * w[r * H + j];
          expect(Math.abs(d - (i === j ? 1 : 0))).toBeLessThan(1e-5);
        }
      }
    }
  });

  it('useBias false drops both biases; unitForgetBias false keeps zeros; peephole adds peephole_l0 [3H]', () => {
    const noBias = new GRUCell({ units: 2, useBias: false, seed: 1 });
    noBias.build(3);
    expect(noBias.parameters().map((p) => p.name)).toEqual(['weight_ih_l0', 'weight_hh_l0']);
    const plain = new LSTMCell({ units: 2, unitForgetBias: false, peephole: true, seed: 1 });
    plain.build(3);
    expect(Array.from(plain.biasIh!.value)).toEqual(Array(8).fill(0));
    expect(plain.parameters().map((p) => [p.name, p.shape])).toContainEqual(['peephole_l0', [6]]);
  });

  it('GRU (resetAfter) draws both biases from biasInitializer, like Keras bias (2, 3H)', () => {
    const cell = new GRUCell({ units: 2, biasInitializer: 'ones', seed: 1 });
    cell.build(3);
    expect(Array.from(cell.biasIh!.value)).toEqual(Array(6).fill(1));
    expect(Array.from(cell.biasHh!.value)).toEqual(Array(6).fill(1));
  });

  it('the same seed gives the same weights; a different seed different ones', () => {
    const a = new LSTMCell({ units: 3, seed: 9 });
    const b = new LSTMCell({ units: 3, seed: 9 });
    const c = new LSTMCell({ units: 3, seed: 10 });
    for (const cell of [a, b, c]) cell.build(2, new Random(123));
    expect(Array.from(a.weightIh!.value)).toEqual(Array.from(b.weightIh!.value));
    expect(Array.from(a.weightIh!.value)).not.toEqual(Array.from(c.weightIh!.value));
  });

  it('bad options are ConfigErrors naming the option and the allowed values', () => {
    expect(() => new LSTMCell({ units: 3, activation: 'swish' as never, name: 'c1' })).toThrow(
      new ConfigError(`c1: activation must be one of 'tanh', 'sigmoid', 'relu', 'linear', 'hardSigmoid', got 'swish'`),
    );
    expect(() => new GRUCell({ units: 3, recurrentActivation: 'softmax' as never, name: 'c2' })).toThrow(/c2: recurrentActivation must be one of/);
    expect(() => new SimpleRNNCell({ units: 0, name: 'c3' })).toThrow(new ConfigError('c3: units must be a positive integer, got 0'));
    expect(() => new SimpleRNNCell({ units: 2.5, name: 'c4' })).toThrow(/c4: units must be a positive integer, got 2.5/);
    expect(() => new LSTMCell({ units: 3, kernelInitializer: 'xavier' as never, name: 'c5' })).toThrow(/c5: kernelInitializer must be one of 'glorotUniform'/);
  });
});
