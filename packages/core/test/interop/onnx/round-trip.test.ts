import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../../test-support/temp-dirs';
import { exportOnnx, exportOnnxBytes, importOnnx } from '../../../src/interop/onnx';
import { EXPORT_CASES, STATE_CASES } from './export-cases';
import { makeInput } from './helpers';

const dir = tempDir('rnn-onnx-round-trip-');

/** Our exports import back into the same model: same layers and options, identical predictions. */
describe('export → import round trip', () => {
  for (const c of [...EXPORT_CASES, ...STATE_CASES]) {
    it(`${c.name} comes back with identical predictions`, async () => {
      const model = c.make();
      const again = await importOnnx(await exportOnnxBytes(model));
      expect(again.getConfig().layers).toEqual(model.getConfig().layers);
      const input = makeInput(c.input, 4, 6, 5);
      const stateful = model.layers.some((l) => 'stateful' in l && l.stateful);
      const ours = await model.predict(input.nested, { batchSize: stateful ? 4 : 32 });
      const theirs = await again.predict(input.nested, { batchSize: stateful ? 4 : 32 });
      expect(Array.from(theirs.data)).toEqual(Array.from(ours.data));
    });
  }

  it('exportOnnx writes a file that importOnnx reads', async () => {
    const model = EXPORT_CASES.find((c) => c.name === 'masked_bidirectional_concat')!.make();
    const path = join(dir, 'nested', 'model.onnx');
    await exportOnnx(model, path);
    const again = await importOnnx(path);
    const input = makeInput({ kind: 'ids', vocab: 11 }, 3, 5, 2);
    expect(Array.from((await again.predict(input.nested)).data)).toEqual(Array.from((await model.predict(input.nested)).data));
  });
});
