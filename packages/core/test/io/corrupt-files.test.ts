import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../src/errors';
import { loadModel } from '../../src/io/load';
import { saveModel } from '../../src/io/save';
import { editModelJson, tempDir, trainedModel } from './helpers';

/** A fresh, valid save to damage. */
let saved: { json: string; bin: Buffer };
beforeAll(async () => {
  const { model } = await trainedModel();
  const dir = tempDir();
  await saveModel(model, dir);
  saved = { json: readFileSync(join(dir, 'model.json'), 'utf8'), bin: readFileSync(join(dir, 'weights.bin')) };
});

function copyOfSave(): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'model.json'), saved.json);
  writeFileSync(join(dir, 'weights.bin'), saved.bin);
  return dir;
}

async function expectFormatError(dir: string, message: RegExp): Promise<void> {
  const err = await loadModel(dir).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FormatError);
  expect((err as Error).message).toMatch(message);
}

/** Rewrites weights.bin and fixes up its manifest's checksum, as a careful forger would. */
function forgeWeights(dir: string, edit: (bin: Buffer) => Buffer): void {
  const bin = edit(Buffer.from(saved.bin));
  writeFileSync(join(dir, 'weights.bin'), bin);
  editModelJson(dir, (j) => {
    j.weights.sha256 = createHash('sha256').update(bin).digest('hex');
    j.weights.byteLength = bin.length;
  });
}

describe('loadModel rejects damaged saves with a FormatError', () => {
  it('a missing model.json or weights.bin', async () => {
    const dir = copyOfSave();
    rmSync(join(dir, 'weights.bin'));
    await expectFormatError(dir, /cannot read .*weights\.bin/);
    rmSync(join(dir, 'model.json'));
    await expectFormatError(dir, /cannot read .*model\.json/);
  });

  it('malformed or truncated JSON', async () => {
    const dir = copyOfSave();
    writeFileSync(join(dir, 'model.json'), saved.json.slice(0, saved.json.length / 2));
    await expectFormatError(dir, /is not valid JSON .* truncated or corrupt/);
  });

  it('a foreign format or another version', async () => {
    const dir = copyOfSave();
    editModelJson(dir, (j) => (j.version = 99));
    await expectFormatError(dir, /format version 99 is not supported; this @rnn\/core reads version 1/);
    editModelJson(dir, (j) => (j.format = 'keras'));
    await expectFormatError(dir, /format should be 'rnn-model', got "keras"/);
  });

  it('a truncated weights.bin', async () => {
    const dir = copyOfSave();
    writeFileSync(join(dir, 'weights.bin'), saved.bin.subarray(0, saved.bin.length - 8));
    await expectFormatError(dir, /has \d+ bytes but the manifest says \d+; the file is truncated/);
  });

  it('a tampered weights.bin (checksum mismatch)', async () => {
    const dir = copyOfSave();
    const bin = Buffer.from(saved.bin);
    bin[13] ^= 0x01;
    writeFileSync(join(dir, 'weights.bin'), bin);
    await expectFormatError(dir, /failed its checksum .* corrupt or was tampered with/);
  });

  it('NaN weights, even with a matching checksum', async () => {
    const dir = copyOfSave();
    forgeWeights(dir, (bin) => {
      bin.writeFloatLE(NaN, 4);
      return bin;
    });
    await expectFormatError(dir, /weight 'model\/0\.weight_ih_l0' holds NaN at index 1; a saved model must be finite/);
  });

  it('a manifest shape that disagrees with its length', async () => {
    const dir = copyOfSave();
    editModelJson(dir, (j) => (j.weights.entries[0].shape = [5, 5]));
    await expectFormatError(dir, /length \d+ disagrees with shape \[5, 5\]/);
  });

  it('a manifest shape that disagrees with the architecture', async () => {
    const dir = copyOfSave();
    editModelJson(dir, (j) => {
      const e = j.weights.entries[0];
      e.shape = [e.shape[1], e.shape[0]]; // same length, transposed
    });
    await expectFormatError(dir, /weights do not fit the saved architecture/);
  });

  it('manifest offsets out of range or overlapping', async () => {
    const dir = copyOfSave();
    editModelJson(dir, (j) => (j.weights.entries[1].offset += 4));
    await expectFormatError(dir, /offset \d+ should be \d+/);
    const dir2 = copyOfSave();
    editModelJson(dir2, (j) => {
      const last = j.weights.entries[j.weights.entries.length - 1];
      last.length += 1;
      last.shape = [last.length];
    });
    await expectFormatError(dir2, /past the end of weights\.bin/);
  });

  it('an unknown layer className', async () => {
    const dir = copyOfSave();
    editModelJson(dir, (j) => (j.architecture.layers[1].className = 'Transformer'));
    await expectFormatError(dir, /unknown layer className 'Transformer'; a saved model may use .*LSTM/);
  });

  it('a layer config the layer rejects', async () => {
    const dir = copyOfSave();
    editModelJson(dir, (j) => (j.architecture.layers[2].config.units = -1));
    await expectFormatError(dir, /cannot rebuild Dense from its saved config/);
  });

  it('a weights file outside the model directory', async () => {
    const dir = copyOfSave();
    editModelJson(dir, (j) => (j.weights.file = '../weights.bin'));
    await expectFormatError(dir, /must be a file name in the same directory/);
  });

  it('a weight the architecture does not have', async () => {
    const dir = copyOfSave();
    forgeWeights(dir, (bin) => Buffer.concat([bin, Buffer.alloc(4)]));
    editModelJson(dir, (j) => j.weights.entries.push({ name: 'model/9.bias', shape: [1], offset: saved.bin.length, length: 1 }));
    await expectFormatError(dir, /weights do not fit the saved architecture/);
  });

  it('optimizer state that points at a missing tensor', async () => {
    const dir = copyOfSave();
    editModelJson(dir, (j) => (j.optimizerState.slots.m[0] = { $tensor: 'optimizer/nowhere' }));
    await expectFormatError(dir, /refers to tensor "optimizer\/nowhere", which weights\.bin does not hold/);
  });

  it('optimizer state whose buffers do not fit the parameters they belong to', async () => {
    const swapped = copyOfSave();
    editModelJson(swapped, (j) => {
      const m = j.optimizerState.slots.m;
      [m[0], m[1]] = [m[1], m[0]];
    });
    await expectFormatError(swapped, /optimizer state slot 'm'\[0\] has \d+ values, but parameter 0 \(\w+\) has \d+/);
    const short = copyOfSave();
    editModelJson(short, (j) => (j.optimizerState.slots.v = j.optimizerState.slots.v.slice(1)));
    await expectFormatError(short, /optimizer state slot 'v' holds \d+ buffers for the model's \d+ parameters/);
  });
});
