import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors';
import { exportOnnx, exportOnnxBytes } from '../../src/interop/onnx';
import { saveSafetensors } from '../../src/interop';
import { writeFilesAtomically } from '../../src/io/atomic-write';
import { saveModel, serializeModel } from '../../src/io/save';
import { Dense } from '../../src/layers/dense';
import { LSTM } from '../../src/layers/lstm';
import { Sequential } from '../../src/model/sequential';
import { tempDir } from './helpers';

describe('writeFilesAtomically', () => {
  it('creates the directory and writes every file, leaving no temporary files', async () => {
    const dir = join(tempDir(), 'nested', 'model');
    await writeFilesAtomically(dir, [
      { name: 'a.bin', data: Uint8Array.from([1, 2, 3]) },
      { name: 'b.json', data: Buffer.from('{"ok":true}') },
    ]);
    expect(readdirSync(dir).sort()).toEqual(['a.bin', 'b.json']);
    expect([...readFileSync(join(dir, 'a.bin'))]).toEqual([1, 2, 3]);
  });

  it('on failure removes its temporary files and leaves the old files as they were', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.bin'), 'old');
    // A non-empty directory where a file should go makes the rename fail.
    mkdirSync(join(dir, 'b.json'));
    writeFileSync(join(dir, 'b.json', 'keep'), 'x');
    await expect(
      writeFilesAtomically(dir, [
        { name: 'b.json', data: Buffer.from('new') },
        { name: 'a.bin', data: Buffer.from('new') },
      ]),
    ).rejects.toThrow();
    expect(readdirSync(dir).sort()).toEqual(['a.bin', 'b.json']);
    expect(readFileSync(join(dir, 'a.bin'), 'utf8')).toBe('old');
  });
});

/** The writers of a model or its weights, each given a wrong model, a wrong path or a directory. */
describe('the writers name a wrong model or path with a ConfigError', () => {
  const model = () => new Sequential([new LSTM({ units: 2, inputShape: [3, 1] }), new Dense({ units: 1 })], { seed: 1 });

  it('a directory where a file goes, or a file where the model directory goes', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'file'), 'x');
    await expect(exportOnnx(model(), join(dir, 'sub'))).rejects.toThrow(new ConfigError(`exportOnnx: ${join(dir, 'sub')} is a directory; give the path of the file to write`));
    await expect(saveSafetensors(model(), join(dir, 'sub'))).rejects.toThrow(new ConfigError(`saveSafetensors: ${join(dir, 'sub')} is a directory; give the path of the file to write`));
    await expect(saveModel(model(), join(dir, 'file'))).rejects.toThrow(
      new ConfigError(`saveModel: ${join(dir, 'file')} exists and is not a directory; a model is saved as a directory (model.json and weights.bin)`),
    );
    await expect(exportOnnx(model(), 42 as unknown as string)).rejects.toThrow(new ConfigError('exportOnnx: path must be a path (a non-empty string), got 42'));
    expect(readdirSync(dir).sort()).toEqual(['file', 'sub']);
    expect(readdirSync(join(dir, 'sub'))).toEqual([]);
  });

  it('something that is not a model', async () => {
    for (const bad of [{}, null, [], 'model']) {
      await expect(exportOnnxBytes(bad as unknown as Sequential), String(bad)).rejects.toThrow(/^exportOnnx expected a model \(a Sequential\), got /);
      await expect(saveModel(bad as unknown as Sequential, tempDir()), String(bad)).rejects.toThrow(/^saveModel expected a model \(a Sequential\), got /);
      expect(() => serializeModel(bad as unknown as Sequential), String(bad)).toThrow(ConfigError);
    }
  });
});
