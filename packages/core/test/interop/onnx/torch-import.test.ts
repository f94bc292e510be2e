import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../../../src/interop/onnx';
import { expectClose } from '../../../src/testing/compare';
import { ORT_TOLERANCE, runOrt } from './helpers';

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
