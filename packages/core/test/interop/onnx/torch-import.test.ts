import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '../../../src/errors';
import { importOnnx } from '../../../src/interop/onnx';
import { expectClose } from '../../../src/testing/compare';
import { edited, ORT_TOLERANCE, runOrt } from './helpers';

/** A tensor of the fixture file: shape and flat values. */
interface Stored {
  shape: number[];
  data: number[];
}

/** torch-models.json, written by tools/fixtures/onnx_torch.py. */
interface TorchFixtures {
  format: number;
  torch: string;
  onnx: string;
  models: Record<string, {
    input: 'float' | 'ids';
    files: { file: string; opset: number; constantFolding: boolean; dynamic: boolean }[];
    cases: { x: Stored; y: Stored; dynamicOnly?: boolean }[];
  }>;
}

const dir = join(__dirname, 'fixtures', 'torch');
const fixtures = JSON.parse(readFileSync(join(dir, 'torch-models.json'), 'utf8')) as TorchFixtures;

/** Nested arrays of a stored tensor, for `predict`. */
function nested(t: Stored): unknown {
  const build = (depth: number, offset: number): unknown => {
    if (depth === t.shape.length) return t.data[offset];
    const stride = t.shape.slice(depth + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: t.shape[depth] }, (_, i) => build(depth + 1, offset + i * stride));
  };
  return build(0, 0);
}

function ortInput(kind: 'float' | 'ids', x: Stored): ort.Tensor {
  return kind === 'ids' ? new ort.Tensor('int64', BigInt64Array.from(x.data.map(BigInt)), x.shape) : new ort.Tensor('float32', Float32Array.from(x.data), x.shape);
}

/**
 * Graphs written by torch.onnx.export (torch 1.13; opset 14–17, constant folding on and off, static
 * and dynamic axes) import into a Sequential whose predictions match torch's recorded outputs, on the
 * backend under test. ONNX Runtime runs each file too, which checks the fixture itself.
 */
describe('importing torch.onnx.export graphs', () => {
  it('the fixtures say which torch and onnx wrote them', () => {
    expect(fixtures.format).toBe(1);
    expect(fixtures.torch).toMatch(/^\d+\.\d+/);
    expect(Object.keys(fixtures.models).length).toBeGreaterThanOrEqual(6);
  });

  for (const [name, model] of Object.entries(fixtures.models)) {
    for (const file of model.files) {
      it(`${file.file} predicts what torch computed`, async () => {
        const path = join(dir, file.file);
        const imported = await importOnnx(path);
        for (const c of model.cases.filter((k) => file.dynamic || !k.dynamicOnly)) {
          const ours = await imported.predict(nested(c.x) as number[][]);
          expect([...ours.shape]).toEqual(c.y.shape);
          expectClose(ours.data, c.y.data, ORT_TOLERANCE, `${name} (${file.file}) [${c.x.shape.join(', ')}]`);
          const theirs = await runOrt(readFileSync(path), { input: ortInput(model.input, c.x) });
          expectClose(theirs.output.data as Float32Array, c.y.data, ORT_TOLERANCE, `ONNX Runtime on ${file.file}`);
        }
      });
    }
  }
});

/** `file`'s bytes with every recurrent node's `direction` set to 'reverse' (the first one only when `firstOnly`). */
function reversed(file: string, firstOnly = false): Uint8Array {
  return edited(readFileSync(join(dir, file)), (model) => {
    const nodes = model.graph!.node!.filter((n) => ['LSTM', 'GRU', 'RNN'].includes(n.op_type!));
    for (const node of firstOnly ? nodes.slice(0, 1) : nodes) {
      const direction = node.attribute!.find((a) => a.name === 'direction');
      if (direction) direction.s = new TextEncoder().encode('reverse');
      else node.attribute!.push({ name: 'direction', type: 3, s: new TextEncoder().encode('reverse') });
    }
  });
}

/**
 * ONNX aligns a reverse node's output sequence Y to input time; goBackwards returns the steps in
 * processing order. So a reverse node imports when its final state Y_h is read, and is refused when
 * Y is (its last step is the state after one step, not the final state).
 */
describe('importing reverse recurrent nodes', () => {
  it('Y_h of a reverse node imports as goBackwards, with ONNX Runtime\'s numbers', async () => {
    const model = fixtures.models.gru_final_state;
    const bytes = reversed(model.files[0].file);
    const imported = await importOnnx(bytes);
    expect((imported.layers[0] as unknown as { goBackwards: boolean }).goBackwards).toBe(true);
    for (const c of model.cases) {
      const ours = await imported.predict(nested(c.x) as number[][]);
      const theirs = await runOrt(bytes, { input: ortInput(model.input, c.x) });
      expect(Array.from(ours.data)).not.toEqual(c.y.data); // the forward model's numbers: the edit took
      expectClose(ours.data, theirs.output.data as Float32Array, ORT_TOLERANCE, `reversed ${model.files[0].file} [${c.x.shape.join(', ')}]`);
    }
  });

  it('Y of a reverse node, read as a sequence or at its last step, is an UnsupportedError saying why', async () => {
    await expect(importOnnx(reversed(fixtures.models.lstm_stacked.files[0].file, true))).rejects.toThrow(
      /runs in reverse and its output sequence Y is read; ONNX aligns Y to input time/,
    );
    const last = fixtures.models.embedding_lstm_last.files[0].file;
    await expect(importOnnx(reversed(last))).rejects.toThrow(UnsupportedError);
    await expect(importOnnx(reversed(last))).rejects.toThrow(/last step of a reverse recurrent node's Y/);
  });
});
