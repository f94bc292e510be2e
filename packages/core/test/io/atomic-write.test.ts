import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFilesAtomically } from '../../src/io/atomic-write';
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
