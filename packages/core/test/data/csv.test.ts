import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors';
import { readCsv } from '../../src/data/csv';
import { tempDir } from '../../../../test-support/temp-dirs';
import { runTs } from '../../../../test-support/ts-child';

const text = 'date,close,note\n2000-01-03,1455.22,a\n2000-01-04,1399.42,\n2000-01-05,-1.5e2,c\n';

describe('readCsv', () => {
  it('parses numbers, keeps text, and maps empty cells to null', () => {
    const table = readCsv(text);
    expect(table.columns).toEqual(['date', 'close', 'note']);
    expect(table.rows).toEqual([
      { date: '2000-01-03', close: 1455.22, note: 'a' },
      { date: '2000-01-04', close: 1399.42, note: null },
      { date: '2000-01-05', close: -150, note: 'c' },
    ]);
    expect(table.column('close')).toEqual([1455.22, 1399.42, -150]);
  });

  it('reads one column from a file path', () => {
    const dir = tempDir('rnn-csv-');
    const file = join(dir, 'prices.csv');
    writeFileSync(file, text);
    expect(readCsv(file, { column: 'close' })).toEqual([1455.22, 1399.42, -150]);
  });

  it('supports other delimiters and header-less files', () => {
    expect(readCsv('1;2\n3;4\n', { delimiter: ';', header: false, column: '1' })).toEqual([2, 4]);
  });

  it('names a missing column and lists the real ones', () => {
    expect(() => readCsv(text, { column: 'price' })).toThrow(DataError);
    expect(() => readCsv(text, { column: 'price' })).toThrow(/no column 'price'; columns are 'date', 'close', 'note'/);
  });

  it('names the line and the value of a non-numeric cell', () => {
    expect(() => readCsv(text, { column: 'date' })).toThrow(/column 'date' .* expected a number on line 2, got '2000-01-03'/);
    expect(() => readCsv('n,m\n1,2\n,3\n', { column: 'n' })).toThrow(/line 3, got an empty cell/);
    expect(() => readCsv('x\n1\n0x1f\n', { column: 'x' })).toThrow(/line 3, got '0x1f'/);
    // The file's own lines: past blank lines (LF and CRLF) and a quoted field that holds a line break.
    expect(() => readCsv('a\n1\n\nx\n', { column: 'a' })).toThrow(/line 4, got 'x'/);
    expect(() => readCsv('a\r\n1\r\n\r\n\r\nx\r\n', { column: 'a' })).toThrow(/line 5, got 'x'/);
    expect(() => readCsv('a,b\n1,"two\nlines"\nx,3\n', { column: 'a' })).toThrow(/line 4, got 'x'/);
    expect(() => readCsv('a,b\n1,2\n"x\ny",3\n', { column: 'a' })).toThrow(/line 3, got 'x\ny'/);
    expect(readCsv('a,b\n\n1,"two\nlines"\nx,3\n').lines).toEqual([3, 5]);
    expect(readCsv('1,2\n3,4\n', { header: false }).lines).toEqual([1, 2]);
  });

  it('keeps a number too large for a float64 as its text, a number column refuses it by name', () => {
    expect(readCsv('a,b\n1e999,-1e999\n').rows).toEqual([{ a: '1e999', b: '-1e999' }]);
    expect(() => readCsv('a\n1\n1e999\n', { column: 'a' })).toThrow(/column 'a' of the CSV text expected a number on line 3, got '1e999'/);
  });

  it('refuses a header that names two columns alike, and reads a column named like an Object property', () => {
    expect(() => readCsv('v,w,v\n1,2,3\n')).toThrow(new DataError("readCsv: the CSV text names two columns 'v' (columns 1 and 3); rename one"));
    expect(readCsv('__proto__,constructor\n1,2\n', { column: '__proto__' })).toEqual([1]);
    const table = readCsv('__proto__,constructor\n1,2\n');
    expect(JSON.stringify(table.rows[0])).toBe('{"__proto__":1,"constructor":2}');
    expect(Object.getPrototypeOf(table.rows[0])).toBe(Object.prototype);
  });

  it('rejects a missing file, an empty table and malformed CSV', () => {
    expect(() => readCsv('no-such-file.csv')).toThrow(/does not exist/);
    expect(() => readCsv('a,b\n')).toThrow(/no data rows/);
    expect(() => readCsv('a,b\n1,2,3\n')).toThrow(DataError);
  });

  it.skipIf(process.platform === 'win32')('refuses a FIFO, /dev/zero and a directory at once, as a FormatError', async () => {
    // In a child process: the old way of reading blocked forever on these, which no test timeout can stop.
    const dir = tempDir('rnn-csv-special-');
    execFileSync('mkfifo', [join(dir, 'pipe.csv')]);
    symlinkSync('/dev/zero', join(dir, 'zero.csv'));
    mkdirSync(join(dir, 'folder.csv'));
    const child = fileURLToPath(new URL('./read-csv-child.ts', import.meta.url));
    const paths = ['pipe.csv', 'zero.csv', 'folder.csv'].map((name) => join(dir, name));
    const result = await runTs(child, paths, { timeout: 30_000 });
    expect(result.signal, result.stderr).toBeNull();
    expect(result.stdout.trim().split('\n')).toEqual([
      `FormatError: ${paths[0]}: the CSV file should be a regular file, but it is a FIFO (named pipe)`,
      `FormatError: ${paths[1]}: the CSV file should be a regular file, but it is a character device`,
      `FormatError: ${paths[2]}: the CSV file should be a regular file, but it is a directory`,
    ]);
  }, 60_000);
});
