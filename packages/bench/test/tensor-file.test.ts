import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBundle, writeBundle } from '../src/tensor-file';
import { tempDir } from '../../../test-support/temp-dirs';

const dir = tempDir('bench-bundle-');

describe('bundle files', () => {
  it('round-trips names, shapes and every float exactly', () => {
    const file = join(dir, 'a.bin');
    const w = Float32Array.from([1.5, -2.25, 3.125e-8, 7, Math.fround(Math.PI), -0]);
    writeBundle(file, { '0.weight_ih_l0': { shape: [2, 3], data: w }, y: { shape: [1], data: Float32Array.of(42) } });
    const back = readBundle(file);
    expect(Object.keys(back)).toEqual(['0.weight_ih_l0', 'y']);
    expect(back['0.weight_ih_l0'].shape).toEqual([2, 3]);
    expect(Array.from(back['0.weight_ih_l0'].data)).toEqual(Array.from(w));
    expect(Array.from(back.y.data)).toEqual([42]);
  });

  it('keeps the data 4-byte aligned whatever the header length', () => {
    for (const name of ['a', 'ab', 'abc', 'abcd']) {
      const file = join(dir, `${name}.bin`);
      writeBundle(file, { [name]: { shape: [1], data: Float32Array.of(2) } });
      const buf = readFileSync(file);
      expect(buf.length % 4).toBe(0);
      expect(readBundle(file)[name].data[0]).toBe(2);
    }
  });

  it('rejects a file that is not a bundle, naming it', () => {
    const file = join(dir, 'junk.bin');
    writeFileSync(file, 'hello world');
    expect(() => readBundle(file)).toThrow(/junk\.bin is not a bench bundle/);
  });
});
