// The same check through ES module named imports of the installed @rnn/core, and an ONNX file round trip.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sequential, GRU, Dense, backendInfo, Tensor, exportOnnx, importOnnx } from '@rnn/core';

const expected = process.argv[2];
const x = new Tensor(Float32Array.from({ length: 32 * 6 * 3 }, (_, i) => Math.sin(i * 0.1)), [32, 6, 3]);
const y = new Tensor(Float32Array.from({ length: 32 }, (_, i) => Math.cos(i * 0.2)), [32, 1]);
const model = new Sequential([new GRU({ units: 8, inputShape: [6, 3] }), new Dense({ units: 1 })], { seed: 2 });
model.compile({ optimizer: 'adam', loss: 'mse' });
const before = await model.evaluate(x, y);
await model.fit(x, y, { epochs: 5, batchSize: 8, verbose: 0 });
const after = await model.evaluate(x, y);
const pred = await model.predict(x);
const info = backendInfo();
console.log(`  backend=${info.name} loss ${before.loss.toFixed(4)} -> ${after.loss.toFixed(4)}, predict shape [${pred.shape}]`);
if (info.name !== expected) throw new Error(`expected backend ${expected}, got ${info.name}`);
if (!(after.loss < before.loss)) throw new Error('training did not reduce the loss');
const dir = mkdtempSync(join(tmpdir(), 'rnn-pack-smoke-'));
try {
  await exportOnnx(model, join(dir, 'model.onnx'), { opset: 14 });
  const again = await importOnnx(join(dir, 'model.onnx'));
  const back = await again.predict(x);
  if (pred.data.some((v, i) => v !== back.data[i])) throw new Error('the ONNX file round trip changed the predictions');
  console.log('  ONNX file export and import: same predictions');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
