import type * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { getBackend } from '../../../src/backend/select';
import { exportOnnxBytes } from '../../../src/interop/onnx';
import { Bidirectional } from '../../../src/layers/bidirectional';
import { type ApplyResult, RecurrentLayer } from '../../../src/layers/recurrent-layer';
import type { Sequential } from '../../../src/model/sequential';
import { Random } from '../../../src/random';
import { type Tensor, toTensor } from '../../../src/tensor';
import { STATE_CASES } from './export-cases';
import { expectOrtClose, floatTensor, makeInput, type ModelInput, runOrt } from './helpers';

const stateCase = (name: string) => STATE_CASES.find((c) => c.name === name)!;

/** The final states our layers return (`apply`), under the graph output names the exporter uses. */
async function finalStates(model: Sequential, input: ModelInput): Promise<Record<string, Tensor>> {
  let x = toTensor(input.nested as number[][][]);
  let mask: Float32Array | null = null;
  const states: Record<string, Tensor> = {};
  const ctx = { backend: getBackend(), training: false, rng: new Random(0) };
  for (const layer of model.layers) {
    if (layer instanceof RecurrentLayer || layer instanceof Bidirectional) {
      const result: ApplyResult = await layer.apply(x, { mask });
      const n = result.states.length;
      const names = layer instanceof Bidirectional ? (n === 4 ? ['forward_h', 'forward_c', 'backward_h', 'backward_c'] : ['forward_h', 'backward_h']) : ['h', 'c'];
      const returnState = layer instanceof Bidirectional ? layer.forwardLayer.returnState : layer.returnState;
      if (returnState) result.states.forEach((s, k) => (states[`${layer.name}_${names[k]}`] = s));
      x = result.output;
      mask = result.mask;
    } else {
      const out = await layer.forward(x, mask, ctx);
      x = out.y;
      mask = out.mask;
    }
  }
  return states;
}

describe('exported state inputs and outputs', () => {
  for (const name of ['return_state', 'masked_return_state']) {
    it(`${name}: returnState layers output their final states`, async () => {
      const model = stateCase(name).make();
      const input = makeInput(stateCase(name).input, 6, 8, 3);
      const outputs = await runOrt(await exportOnnxBytes(model), { input: input.tensor });
      const expected = await finalStates(model, input);
      expect(Object.keys(outputs).sort()).toEqual(['output', ...Object.keys(expected)].sort());
      for (const [key, state] of Object.entries(expected)) expectOrtClose(outputs[key], state, `${name} ${key}`);
      expectOrtClose(outputs.output, await model.predict(input.nested), `${name} output`);
    });
  }

  for (const name of ['stateful', 'masked_stateful']) {
    it(`${name}: feeding the state outputs back gives predict's carried-state results`, async () => {
      const model = stateCase(name).make();
      const bytes = await exportOnnxBytes(model);
      const B = 5;
      const stateful = model.layers.filter((l): l is RecurrentLayer => l instanceof RecurrentLayer && l.stateful);
      let feeds: Record<string, ort.Tensor> = {};
      for (const layer of stateful) {
        for (const s of layer.cell.stateNames) feeds[`${layer.name}_initial_${s}`] = floatTensor(new Float32Array(B * layer.units), [B, layer.units]);
      }
      for (let batch = 0; batch < 3; batch++) {
        const input = makeInput(stateCase(name).input, B, 6, 10 + batch);
        const outputs = await runOrt(bytes, { ...feeds, input: input.tensor });
        expectOrtClose(outputs.output, await model.predict(input.nested, { batchSize: B }), `${name} batch ${batch}`);
        feeds = {};
        for (const layer of stateful) for (const s of layer.cell.stateNames) feeds[`${layer.name}_initial_${s}`] = outputs[`${layer.name}_${s}`];
      }
    });
  }
});
