import { describe, expect, it } from 'vitest';
import { Bidirectional } from '../../src/layers/bidirectional';
import { GRU } from '../../src/layers/gru';
import { LSTM } from '../../src/layers/lstm';
import type { RecurrentLayer } from '../../src/layers/recurrent-layer';
import type { RecurrentLayerOptions } from '../../src/layers/recurrent-options';
import { SimpleRNN } from '../../src/layers/simple-rnn';
import { expectClose, type Tolerance } from '../../src/testing/compare';
import type { Tensor } from '../../src/tensor';
import type { Parameter } from '../../src/train/parameter';
import { backend, context, type LayerCase, loadLayerFixture, slice, tensor } from './helpers';

/** float32 kernels against float64 PyTorch on float32-rounded inputs. */
const OUTPUT_TOL: Tolerance = { atol: 2e-5, rtol: 1e-4 };
const GRAD_TOL: Tolerance = { atol: 1e-4, rtol: 1e-3 };

function makeLayer(c: LayerCase, options: Partial<RecurrentLayerOptions>): RecurrentLayer {
  const units = c.h_n.shape[2];
  switch (c.cell) {
    case 'lstm':
      return new LSTM({ units, ...options });
    case 'gru':
      return new GRU({ units, ...options });
    case 'rnn_tanh':
      return new SimpleRNN({ units, activation: 'tanh', ...options });
    case 'rnn_relu':
      return new SimpleRNN({ units, activation: 'relu', ...options });
  }
}

/** The weights of PyTorch layer `l` (suffix `_l{l}`, and `_reverse` kept), renamed to our `_l0`. */
function weightsOfLayer(c: LayerCase, l: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.weights)) {
    if (k.includes(`_l${l}`)) out[k.replace(`_l${l}`, '_l0')] = v;
  }
  return out;
}

function checkGradients(c: LayerCase, params: Parameter[], layerIndex: number): void {
  for (const p of params) {
    const torchName = p.name.replace('_l0', `_l${layerIndex}`);
    const want = c.dweights[torchName];
    expect(want, `${c.name}: PyTorch gradient of ${torchName}`).toBeDefined();
    expectClose(p.grad, want.data, GRAD_TOL, `${c.name}: d${torchName}`);
  }
}

const fixture = loadLayerFixture();

describe(`recurrent layers match PyTorch ${fixture.torch} (batch-first public API)`, () => {
  for (const c of fixture.cases) {
    it(c.name, async () => {
      const x = tensor(c.x);
      const seq = { returnSequences: c.returnSequences, goBackwards: c.goBackwards };
      const ctx = context(true);
      if (c.bidirectional) {
        const layer = new Bidirectional({ layer: makeLayer(c, { returnSequences: c.returnSequences }) });
        layer.loadStateDict(c.weights);
        const result = await layer.apply(x, { training: true, backend });
        expectClose(result.output.data, c.output.data, OUTPUT_TOL, `${c.name}: output`);
        expect(result.output.shape).toEqual(c.output.shape);
        // states: forward [h, c], then backward [h, c]
        const perDirection = c.cell === 'lstm' ? 2 : 1;
        for (let d = 0; d < 2; d++) {
          expectClose(result.states[d * perDirection].data, slice(c.h_n, d).data, OUTPUT_TOL, `${c.name}: h of direction ${d}`);
          if (c.c_n) expectClose(result.states[d * perDirection + 1].data, slice(c.c_n, d).data, OUTPUT_TOL, `${c.name}: c of direction ${d}`);
        }
        const dx = await layer.backward(tensor(c.dy), ctx);
        expectClose(dx.data, c.dx.data, GRAD_TOL, `${c.name}: dx`);
        checkGradients(c, layer.parameters(), 0);
        return;
      }
      if (c.numLayers === 2) {
        const first = makeLayer(c, { returnSequences: true });
        const second = makeLayer(c, { returnSequences: true });
        first.loadStateDict(weightsOfLayer(c, 0));
        second.loadStateDict(weightsOfLayer(c, 1));
        const mid = await first.forward(x, null, ctx);
        const out = await second.forward(mid.y, mid.mask, ctx);
        expectClose(out.y.data, c.output.data, OUTPUT_TOL, `${c.name}: output`);
        const dMid = (await second.backward(tensor(c.dy), ctx)) as Tensor;
        const dx = await first.backward(dMid, ctx);
        expectClose(dx.data, c.dx.data, GRAD_TOL, `${c.name}: dx`);
        checkGradients(c, first.parameters(), 0);
        checkGradients(c, second.parameters(), 1);
        return;
      }
      const layer = makeLayer(c, seq);
      layer.loadStateDict(c.weights);
      const initialState = c.h0 ? (c.c0 ? [slice(c.h0, 0), slice(c.c0, 0)] : [slice(c.h0, 0)]) : undefined;
      const result = await layer.apply(x, { training: true, backend, initialState });
      expect(result.output.shape).toEqual(c.output.shape);
      expectClose(result.output.data, c.output.data, OUTPUT_TOL, `${c.name}: output`);
      expectClose(result.states[0].data, slice(c.h_n, 0).data, OUTPUT_TOL, `${c.name}: final h`);
      if (c.c_n) expectClose(result.states[1].data, slice(c.c_n, 0).data, OUTPUT_TOL, `${c.name}: final c`);
      const dx = await layer.backward(tensor(c.dy), ctx);
      expect(dx.shape).toEqual(c.x.shape);
      expectClose(dx.data, c.dx.data, GRAD_TOL, `${c.name}: dx`);
      checkGradients(c, layer.parameters(), 0);
    });
  }
});
