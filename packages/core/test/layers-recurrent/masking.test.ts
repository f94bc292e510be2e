import { describe, expect, it } from 'vitest';
import { Bidirectional } from '../../src/layers/bidirectional';
import { GRU } from '../../src/layers/gru';
import { LSTM } from '../../src/layers/lstm';
import type { RecurrentLayer } from '../../src/layers/recurrent-layer';
import { SimpleRNN } from '../../src/layers/simple-rnn';
import { expectClose, type Tolerance } from '../../src/testing/compare';
import { Random } from '../../src/random';
import { Tensor } from '../../src/tensor';
import { backend, context, randomTensor } from './helpers';

// Masked and unmasked runs do the same float32 operations in a different batch layout.
const TOL: Tolerance = { atol: 1e-6, rtol: 1e-5 };
const T = 5;
const I = 3;
const H = 4;
const LENGTHS = [5, 3, 1];
const B = LENGTHS.length;

type Runnable = RecurrentLayer | Bidirectional;
type Padding = 'post' | 'pre';

/** Position of real step k of sequence b in the padded batch. */
function position(b: number, k: number, padding: Padding): number {
  return padding === 'post' ? k : T - LENGTHS[b] + k;
}

/**
 * Runs a padded batch with a mask, and each sequence alone without padding on a copy of the same
 * weights; the outputs at real steps, dx and the weight gradients (summed over sequences) must agree.
 */
async function comparePaddedToSingles(make: () => Runnable, padding: Padding, returnSequences: boolean): Promise<void> {
  const x = randomTensor([B, T, I], 21); // [B, T, I], padded positions zeroed below
  const mask = new Float32Array(B * T); // [B, T]
  for (let b = 0; b < B; b++) for (let k = 0; k < LENGTHS[b]; k++) mask[b * T + position(b, k, padding)] = 1;
  for (let i = 0; i < B * T; i++) if (mask[i] === 0) x.data.fill(0, i * I, (i + 1) * I);

  const padded = make();
  padded.build([null, I], new Random(5));
  const padOut = await padded.apply(x, { mask, training: true, backend });
  const O = padOut.output.shape[padOut.output.rank - 1];
  const dy = randomTensor(padOut.output.shape as number[], 22);
  if (returnSequences) for (let i = 0; i < B * T; i++) if (mask[i] === 0) dy.data.fill(0, i * O, (i + 1) * O);
  const dxPadded = await padded.backward(dy, context(true));

  const gradSums = padded.parameters().map((p) => new Float32Array(p.grad.length));
  for (let b = 0; b < B; b++) {
    const L = LENGTHS[b];
    const single = make();
    single.loadStateDict(padded.stateDict());
    const xs = new Float32Array(L * I); // [1, L, I]
    for (let k = 0; k < L; k++) xs.set(x.data.subarray((b * T + position(b, k, padding)) * I, (b * T + position(b, k, padding) + 1) * I), k * I);
    const out = await single.apply(new Tensor(xs, [1, L, I]), { training: true, backend });
    const dys = returnSequences ? new Float32Array(L * O) : dy.data.slice(b * O, (b + 1) * O);
    if (returnSequences) {
      for (let k = 0; k < L; k++) {
        const at = (b * T + position(b, k, padding)) * O;
        expectClose(out.output.data.subarray(k * O, (k + 1) * O), padOut.output.data.subarray(at, at + O), TOL, `sequence ${b} output step ${k}`);
        dys.set(dy.data.subarray(at, at + O), k * O);
      }
    } else {
      expectClose(out.output.data, padOut.output.data.subarray(b * O, (b + 1) * O), TOL, `sequence ${b} last output`);
    }
    const dx = (await single.backward(new Tensor(dys, out.output.shape), context(true)))!;
    for (let t = 0; t < T; t++) {
      const got = dxPadded!.data.subarray((b * T + t) * I, (b * T + t + 1) * I);
      const k = padding === 'post' ? t : t - (T - L);
      if (k >= 0 && k < L) expectClose(got, dx.data.subarray(k * I, (k + 1) * I), TOL, `sequence ${b} dx step ${t}`);
      else expect(Array.from(got), `dx at padded step ${t} of sequence ${b}`).toEqual(Array(I).fill(0));
    }
    single.parameters().forEach((p, j) => p.grad.forEach((g, i) => (gradSums[j][i] += g)));
  }
  padded.parameters().forEach((p, j) => expectClose(p.grad, gradSums[j], { atol: 1e-5, rtol: 1e-4 }, `d${p.name}`));
}

const layers: [string, (o: { returnSequences: boolean; goBackwards?: boolean }) => RecurrentLayer][] = [
  ['LSTM', (o) => new LSTM({ units: H, ...o })],
  ['LSTM peephole', (o) => new LSTM({ units: H, peephole: true, ...o })],
  ['GRU', (o) => new GRU({ units: H, ...o })],
  ['SimpleRNN', (o) => new SimpleRNN({ units: H, ...o })],
];

describe('masking: a padded batch equals its sequences run one by one (forward and gradients)', () => {
  for (const [label, make] of layers) {
    for (const padding of ['post', 'pre'] as const) {
      it(`${label}, ${padding}-padding, last output`, () => comparePaddedToSingles(() => make({ returnSequences: false }), padding, false));
      it(`${label}, ${padding}-padding, goBackwards, last output`, () =>
        comparePaddedToSingles(() => make({ returnSequences: false, goBackwards: true }), padding, false));
    }
    it(`${label}, post-padding, returnSequences`, () => comparePaddedToSingles(() => make({ returnSequences: true }), 'post', true));
    it(`${label} in Bidirectional, post-padding, returnSequences`, () =>
      comparePaddedToSingles(() => new Bidirectional({ layer: make({ returnSequences: true }) }), 'post', true));
    it(`${label} in Bidirectional, pre-padding, last output`, () =>
      comparePaddedToSingles(() => new Bidirectional({ layer: make({ returnSequences: false }) }), 'pre', false));
  }

  it('padded steps repeat the carried output and the mask flows on (flipped with goBackwards)', async () => {
    const mask = Float32Array.from([1, 1, 0, 0]); // [1, 4]
    const x = randomTensor([1, 4, I], 3);
    const fw = new GRU({ units: H, returnSequences: true, seed: 1 });
    const out = await fw.apply(x, { mask, backend });
    expect(Array.from(out.output.data.subarray(2 * H, 3 * H))).toEqual(Array.from(out.output.data.subarray(H, 2 * H)));
    expect(Array.from(out.mask!)).toEqual([1, 1, 0, 0]);
    const bw = new GRU({ units: H, returnSequences: true, goBackwards: true, seed: 1 });
    const back = await bw.apply(x, { mask, backend });
    expect(Array.from(back.mask!)).toEqual([0, 0, 1, 1]);
    const last = await new GRU({ units: H, seed: 1 }).apply(x, { mask, backend });
    expect(last.mask).toBeNull();
  });

  it('Bidirectional outputs zeros at padded steps (Keras zero_output_for_mask) and passes no gradient through them', async () => {
    const mask = Float32Array.from([1, 1, 0, 0, 1, 1, 1, 0]); // [2, 4]
    const x = randomTensor([2, 4, I], 4);
    const layer = new Bidirectional({ layer: new LSTM({ units: H, returnSequences: true, seed: 2 }), mergeMode: 'sum' });
    const out = await layer.apply(x, { mask, backend, training: true });
    for (let i = 0; i < 8; i++) {
      const row = Array.from(out.output.data.subarray(i * H, (i + 1) * H));
      if (mask[i] === 0) expect(row).toEqual(Array(H).fill(0));
      else expect(row.some((v) => v !== 0)).toBe(true);
    }
    // dy only at padded steps: nothing reaches the input or the weights.
    const dy = new Tensor(Float32Array.from({ length: 8 * H }, (_, k) => (mask[Math.floor(k / H)] === 0 ? 1 : 0)), [2, 4, H]);
    const dx = (await layer.backward(dy, context(true)))!;
    expect(dx.data.every((v) => v === 0)).toBe(true);
    expect(layer.parameters().every((p) => p.grad.every((g) => g === 0))).toBe(true);
  });
});
