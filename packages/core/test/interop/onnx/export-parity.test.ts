import { describe, expect, it } from 'vitest';
import { exportOnnxBytes } from '../../../src/interop/onnx';
import { ONNX_OPSETS } from '../../../src/interop/onnx/metadata';
import { Dense } from '../../../src/layers/dense';
import { GRU } from '../../../src/layers/gru';
import { Sequential } from '../../../src/model/sequential';
import { EXPORT_CASES, SIZE_CASES } from './export-cases';
import { expectSamePrediction, makeInput } from './helpers';

/**
 * Every exported model runs in ONNX Runtime (CPU) and gives `predict`'s numbers, on the backend
 * under test (`RNN_BACKEND`): each layer kind and option, both GRU forms, peepholes, each
 * Bidirectional merge, masks of every shape, stacks, and for a few models batch 1 and 64 with
 * lengths 1 and 100.
 */
describe('exported models in ONNX Runtime', () => {
  for (const c of EXPORT_CASES) {
    it(`${c.name} matches predict`, async () => {
      const model = c.make();
      await expectSamePrediction(model, await exportOnnxBytes(model), makeInput(c.input, 5, 7, 1), c.name);
    });
  }

  for (const name of SIZE_CASES) {
    const c = EXPORT_CASES.find((e) => e.name === name)!;
    it(`${name} matches predict at batch 1 and 64, lengths 1 and 100`, async () => {
      const model = c.make();
      const bytes = await exportOnnxBytes(model);
      for (const [B, T] of [[1, 1], [1, 100], [64, 1], [64, 100]]) {
        await expectSamePrediction(model, bytes, makeInput(c.input, B, T, B + T), `${name} B=${B} T=${T}`);
      }
    });
  }

  it('every opset from 14 to 17 runs the same model', async () => {
    for (const name of ['masked_bidirectional_ave', 'lstm_peephole', 'gru_reset_before_last']) {
      const c = EXPORT_CASES.find((e) => e.name === name)!;
      const model = c.make();
      for (const opset of ONNX_OPSETS) {
        await expectSamePrediction(model, await exportOnnxBytes(model, { opset }), makeInput(c.input, 4, 6, opset), `${name} opset ${opset}`);
      }
    }
  });

  it('the steps axis is dynamic even where inputShape fixes it', async () => {
    const fixed = new Sequential([new GRU({ units: 4, returnSequences: true, inputShape: [6, 3] }), new Dense({ units: 2 })], { seed: 5 });
    const free = new Sequential([new GRU({ units: 4, returnSequences: true, inputShape: [null, 3] }), new Dense({ units: 2 })], { seed: 6 });
    free.loadStateDict(fixed.stateDict());
    const bytes = await exportOnnxBytes(fixed);
    await expectSamePrediction(fixed, bytes, makeInput({ kind: 'float', features: 3 }, 2, 6, 1), 'fixed steps at its length');
    await expectSamePrediction(free, bytes, makeInput({ kind: 'float', features: 3 }, 2, 9, 2), 'fixed steps at another length');
  });

  it('the export is deterministic: the same model gives the same bytes', async () => {
    const model = EXPORT_CASES[0].make();
    expect(Buffer.from(await exportOnnxBytes(model)).equals(Buffer.from(await exportOnnxBytes(model)))).toBe(true);
  });
});
