import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, FormatError } from '../../src/errors';
import { loadModel } from '../../src/io/load';
import { readRegularFile, readRegularFileSync } from '../../src/io/safe-read';
import { saveModel } from '../../src/io/save';
import { tempDir, trainedModel } from './helpers';
import { rejectionOf } from '../../../../test-support/rejection';

const posix = process.platform !== 'win32';

/** A FIFO at `path` (no writer ever opens it: reading it the ordinary way blocks forever). */
function fifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

async function formatError(promise: Promise<unknown>): Promise<FormatError> {
  const err = await rejectionOf(promise);
  expect(err).toBeInstanceOf(FormatError);
  return err as FormatError;
}

function syncFormatError(run: () => unknown): FormatError {
  let caught: unknown = null;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(FormatError);
  return caught as FormatError;
}

describe('readRegularFile reads regular files only, within a size limit', () => {
  it('reads a regular file whole, in both forms', async () => {
    const path = join(tempDir(), 'data.bin');
    const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 251));
    writeFileSync(path, bytes);
    expect(readRegularFileSync(path).equals(bytes)).toBe(true);
    expect((await readRegularFile(path)).equals(bytes)).toBe(true);
    expect(readRegularFileSync(path, { maxBytes: 3000 }).length).toBe(3000);
  });

  it.runIf(posix)('reads files whose size fstat reports as 0 (/proc) to their end', async () => {
    expect(readRegularFileSync('/proc/self/status').toString()).toMatch(/^Name:/);
    expect((await readRegularFile('/proc/self/status')).toString()).toMatch(/^Name:/);
  });

  it('refuses a file over the limit before reading it', async () => {
    const path = join(tempDir(), 'big.bin');
    writeFileSync(path, Buffer.alloc(10));
    expect(syncFormatError(() => readRegularFileSync(path, { maxBytes: 9, what: 'weights file' })).message).toMatch(
      /big\.bin: the weights file is 10 bytes, over the limit of 9 bytes/,
    );
    expect((await formatError(readRegularFile(path, { maxBytes: 9 }))).message).toMatch(/10 bytes, over the limit of 9/);
  });

  it('refuses a directory', async () => {
    const dir = tempDir();
    expect(syncFormatError(() => readRegularFileSync(dir)).message).toMatch(/directory/);
    expect((await formatError(readRegularFile(dir))).message).toMatch(/directory/);
  });

  it.runIf(posix)('refuses a character device, also behind a symlink, at once', async () => {
    const link = join(tempDir(), 'zero.bin');
    symlinkSync('/dev/zero', link);
    expect(syncFormatError(() => readRegularFileSync(link)).message).toMatch(/should be a regular file, but it is a character device/);
    expect((await formatError(readRegularFile(link))).message).toMatch(/character device/);
  });

  it.runIf(posix)('refuses a FIFO without waiting for a writer', { timeout: 10_000 }, async () => {
    const path = fifo(join(tempDir(), 'pipe'));
    expect(syncFormatError(() => readRegularFileSync(path)).message).toMatch(/FIFO/);
    expect((await formatError(readRegularFile(path))).message).toMatch(/FIFO/);
  });

  it('a missing file or a bad path is a FormatError too', async () => {
    expect(syncFormatError(() => readRegularFileSync(join(tempDir(), 'none'))).message).toMatch(/cannot read .*none/);
    expect((await formatError(readRegularFile(''))).message).toMatch(/non-empty string/);
  });
});

describe('loadModel and saveModel on special files: a typed error at once, never an abort or a hang', () => {
  let saved: string;
  beforeAll(async () => {
    saved = tempDir();
    await saveModel((await trainedModel()).model, saved);
  });

  /** A copy of the saved model whose `name` file is replaced by `replace(path)`. */
  function withSpecial(name: string, replace: (path: string) => void): string {
    const dir = tempDir();
    cpSync(saved, dir, { recursive: true });
    rmSync(join(dir, name), { recursive: true, force: true });
    replace(join(dir, name));
    return dir;
  }

  for (const name of ['model.json', 'weights.bin']) {
    it.runIf(posix)(`${name} symlinked to /dev/zero`, async () => {
      const dir = withSpecial(name, (p) => symlinkSync('/dev/zero', p));
      expect((await formatError(loadModel(dir))).message).toMatch(/character device/);
    });

    it.runIf(posix)(`${name} as a FIFO`, { timeout: 10_000 }, async () => {
      const dir = withSpecial(name, fifo);
      expect((await formatError(loadModel(dir))).message).toMatch(/FIFO/);
    });

    it.runIf(posix)(`${name} as a directory`, async () => {
      const dir = withSpecial(name, (p) => mkdirSync(p));
      expect((await formatError(loadModel(dir))).message).toMatch(/directory/);
    });
  }

  it.runIf(posix)('saving over a model.json that is a FIFO replaces it, without waiting for a writer', { timeout: 10_000 }, async () => {
    const { model, x } = await trainedModel();
    const dir = withSpecial('model.json', fifo);
    await saveModel(model, dir);
    expect(Array.from((await (await loadModel(dir)).predict(x)).data)).toEqual(Array.from((await model.predict(x)).data));
  });

  it.runIf(posix)('saving where model.json or weights.bin is a directory is a ConfigError naming it', async () => {
    const { model } = await trainedModel();
    for (const name of ['model.json', 'weights.bin']) {
      const dir = withSpecial(name, (p) => mkdirSync(p));
      await expect(saveModel(model, dir)).rejects.toThrow(new ConfigError(`saveModel: ${join(dir, name)} is a directory, where the model's ${name} goes; remove it and save again`));
    }
  });

  it.runIf(posix)('an oversized model.json (a sparse 1 GiB file) is refused without reading it', async () => {
    const dir = withSpecial('model.json', (p) => {
      writeFileSync(p, '');
      truncateSync(p, 2 ** 30);
    });
    expect((await formatError(loadModel(dir))).message).toMatch(/model\.json: the model description is 1073741824 bytes, over the limit/);
  });

  it.runIf(posix)('a weights.bin longer than its manifest says is refused without reading it', async () => {
    const dir = withSpecial('weights.bin', (p) => {
      writeFileSync(p, '');
      truncateSync(p, 2 ** 30);
    });
    expect((await formatError(loadModel(dir))).message).toMatch(/weights\.bin: the weights file is 1073741824 bytes, over the limit of \d+ bytes/);
  });
});
