import { describe, expect, it } from 'vitest';
import { Bidirectional, type MergeMode } from '../../src/layers/bidirectional';
import { GRU } from '../../src/layers/gru';
import type { Layer } from '../../src/layers/layer';
import { LSTM } from '../../src/layers/lstm';
import { SimpleRNN } from '../../src/layers/simple-rnn';
import { Random } from '../../src/random';
import type { Tensor } from '../../src/tensor';
import { context, dot, randomTensor } from './helpers';

/**
 * Central differences of L = sum(output ⊙ dy) in float32 forwards: the step is large enough that
 * float32 rounding stays ~1e-5 of L, small enough that curvature stays ~1e-4.
 */
const EPS = 1e-2;
const ATOL = 2e-3;
const RTOL = 1e-2;
const B = 2;
const T = 4;
const I = 3;
const H = 3;
const DROPOUT_SEED = 77;

async function loss(layer: Layer, x: Tensor, dy: Tensor): Promise<number> {
  // The same seed every time, so dropout masks are identical across the perturbed runs.
  const { y } = await layer.forward(x, null, context(true, DROPOUT_SEED));
  return dot(y.data, dy.data);
}

/** Analytic dx and weight gradients against central differences at every entry. */
async function checkLayer(layer: Layer): Promise<void> {
  layer.build([T, I], new Random(3));
  // Move biases off zero so every term of the gradient is exercised.
  for (const p of layer.parameters()) for (let i = 0; i < p.value.length; i++) p.value[i] += 0.1 * Math.sin(i + 1);
  const x = randomTensor([B, T, I], 31);
  const { y } = await layer.forward(x, null, context(true, DROPOUT_SEED));
  const dy = randomTensor(y.shape as number[], 32);
  for (const p of layer.parameters()) p.grad.fill(0);
  const dx = (await layer.backward(dy, context(true)))!;
  const targets: [string, Float32Array, Float32Array][] = [
    ['x', x.data, dx.data],
    ...layer.parameters().map((p) => [p.name, p.value, p.grad.slice()] as [string, Float32Array, Float32Array]),
  ];
  for (const [name, values, analytic] of targets) {
    for (let i = 0; i < values.length; i++) {
      const keep = values[i];
      values[i] = keep + EPS;
      const up = await loss(layer, x, dy);
      values[i] = keep - EPS;
      const down = await loss(layer, x, dy);
      values[i] = keep;
      const numeric = (up - down) / (2 * EPS);
      expect(Math.abs(analytic[i] - numeric), `d${name}[${i}]: analytic ${analytic[i]}, numeric ${numeric}`).toBeLessThanOrEqual(
        ATOL + RTOL * Math.abs(numeric),
      );
    }
  }
}

describe('layer gradients match finite differences', () => {
  it('LSTM with peepholes (no PyTorch counterpart), returnSequences', () => checkLayer(new LSTM({ units: H, peephole: true, returnSequences: true })));
  it('GRU with the reset gate before the matmul (resetAfter: false)', () => checkLayer(new GRU({ units: H, resetAfter: false })));
  it('LSTM with input and recurrent dropout (masks fixed by the seed)', () =>
    checkLayer(new LSTM({ units: H, dropout: 0.3, recurrentDropout: 0.3, returnSequences: true })));
  it('GRU with dropout and goBackwards', () => checkLayer(new GRU({ units: H, dropout: 0.4, recurrentDropout: 0.2, goBackwards: true, returnSequences: true })));
  it('SimpleRNN without bias, goBackwards last output', () => checkLayer(new SimpleRNN({ units: H, useBias: false, goBackwards: true })));
  for (const mergeMode of ['concat', 'sum', 'ave', 'mul'] as MergeMode[]) {
    it(`Bidirectional mergeMode ${mergeMode}`, () => checkLayer(new Bidirectional({ layer: new GRU({ units: H, returnSequences: true }), mergeMode })));
  }
  it('Bidirectional LSTM, last output, mul', () => checkLayer(new Bidirectional({ layer: new LSTM({ units: H }), mergeMode: 'mul' })));
});
