import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every error @rnn/core throws is an `RnnError`: no source file throws a plain `Error`, `RangeError`
 * or `TypeError` of its own (the kernel-test helpers in src/testing excepted, which are not
 * published).
 */
const SRC = join(__dirname, '..', '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'testing' ? [] : sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('errors', () => {
  it('core throws only RnnError subclasses of its own', () => {
    const raw = sources(SRC).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ where: `${relative(SRC, file)}:${i + 1}`, line: line.trim() }))
        .filter(({ line }) => /new (Range|Type|Syntax|Reference)?Error\(/.test(line)),
    );
    expect(raw).toEqual([]);
  });
});
