import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rnn, tempDir, writeCsv, type Run } from './helpers';

// Bad input of every kind is one line on stderr, naming what is wrong, with exit code 2: never a
// stack trace, never a silent run.
const dir = tempDir();
const rows = Array.from({ length: 60 }, (_, i) => [`2020-01-${String((i % 28) + 1).padStart(2, '0')}`, 10 + Math.sin(i / 3)]);
const dated = (n: number) => Array.from({ length: n }, (_, i) => new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10));
const good = writeCsv(dir, 'good.csv', ['date', 'temp'], dated(60).map((d, i) => [d, (Math.sin(i / 3) * 5).toFixed(3)]));

function expectUsageError(run: Run, pattern: RegExp): void {
  expect(run.code).toBe(2);
  expect(run.out).toBe('');
  expect(run.err.split('\n')).toHaveLength(2); // one line and its newline
  expect(run.err).toMatch(pattern);
  expect(run.err).not.toMatch(/\n\s+at /);
}

describe('rnn: bad input is a one-line error with exit code 2', () => {
  it('a missing file', async () => {
    expectUsageError(await rnn('train', join(dir, 'nope.csv'), '--column', 'temp'), /^rnn train: file '.*nope\.csv' not found$/m);
  });

  it('an unknown column, with a suggestion', async () => {
    expectUsageError(await rnn('train', good, '--column', 'tmp'), /^rnn train: good\.csv has no column 'tmp' \(did you mean 'temp'\?\); its columns are 'date', 'temp'$/m);
  });

  it('a non-numeric cell, naming its line and column', async () => {
    const csv = writeCsv(dir, 'text.csv', ['date', 'temp'], dated(40).map((d, i) => [d, i === 17 ? 'n/a' : i]));
    expectUsageError(await rnn('train', csv, '--column', 'temp'), /^rnn train: text\.csv line 19, column 'temp': expected a number, got 'n\/a'$/m);
    const empty = writeCsv(dir, 'empty.csv', ['date', 'temp'], dated(40).map((d, i) => [d, i === 3 ? '' : i]));
    expectUsageError(await rnn('train', empty, '--column', 'temp'), /line 5, column 'temp': expected a number, got an empty cell/);
  });

  it('the line named is the file\'s own, past blank lines; a header naming a column twice is refused', async () => {
    const lines = ['date,temp', ...dated(40).map((d, i) => `${d},${i === 30 ? 'n/a' : i}`)];
    lines.splice(10, 0, '', ''); // two blank lines before the 10th data row
    const blank = join(dir, 'blank.csv');
    writeFileSync(blank, lines.join('\n') + '\n');
    expectUsageError(await rnn('train', blank, '--column', 'temp'), /^rnn train: blank\.csv line 34, column 'temp': expected a number, got 'n\/a'$/m);
    const twice = writeCsv(dir, 'twice.csv', ['date', 'temp', 'temp'], dated(40).map((d, i) => [d, i, -i]));
    expectUsageError(await rnn('train', twice, '--column', 'temp'), /twice\.csv' names two columns 'temp' \(columns 2 and 3\); rename one/);
  });

  it('a window longer than the data', async () => {
    expectUsageError(await rnn('train', good, '--column', 'temp', '--window', '100'), /^rnn train: --window 100 with --horizon 1 needs at least 101 rows, but .*good\.csv has 60; give a shorter --window$/m);
    expectUsageError(await rnn('train', good, '--column', 'temp', '--window', '57'), /makes 3 windows, too few to split into training \(at least 10\), validation and test/);
  });

  it('a --test-fraction that leaves too few training windows is blamed, not the window count', async () => {
    expectUsageError(
      await rnn('train', good, '--column', 'temp', '--window', '8', '--test-fraction', '0.99'),
      /^rnn train: --test-fraction 0\.99 holds out 52 of the 52 windows \(--window 8 on 60 rows\) for testing and --validation-fraction 0\.1 takes 0 of the other 0 for validation, leaving 0 for training, fewer than 10; give a smaller --test-fraction or --validation-fraction, or more rows$/m,
    );
    expectUsageError(await rnn('train', good, '--column', 'temp', '--window', '8', '--validation-fraction', '0.9'), /takes 37 of the other 41 for validation, leaving 4 for training, fewer than 10; give a smaller --test-fraction or --validation-fraction/);
  });

  it('evaluate and forecast on a file too short for the model say what to give instead (they have no --window)', async () => {
    const model = join(dir, 'short-model');
    const train = await rnn('train', good, '--column', 'temp', '--window', '8', '--units', '4', '--epochs', '1', '--quiet', '--no-plot', '--out', model);
    expect(train.code, train.err).toBe(0);
    const tiny = writeCsv(dir, 'tiny.csv', ['date', 'temp'], dated(5).map((d, i) => [d, i]));
    const evaluate = await rnn('evaluate', model, tiny);
    expectUsageError(evaluate, /^rnn evaluate: .*tiny\.csv has no rows from 2020-02-1\d on, where the model's test span starts: nothing to evaluate; give the file the model was trained on, or a newer one that goes past 2020-02-1\d$/m);
    expect(evaluate.err).not.toMatch(/--window/);
    expectUsageError(await rnn('forecast', model, tiny), /^rnn forecast: forecasting needs the last 8 rows \(the window\), but .*tiny\.csv has 5; give a file with at least 8 rows$/m);
  });

  it('an unknown flag, with a suggestion; an unknown command', async () => {
    expectUsageError(await rnn('train', good, '--column', 'temp', '--epoch', '3'), /^rnn train: unknown option '--epoch' \(Did you mean --epochs\?\)$/m);
    expectUsageError(await rnn('trian', good), /^rnn: unknown command 'trian' \(Did you mean train\?\)$/m);
  });

  it('negative, fractional or non-numeric counts, and unknown choices', async () => {
    expectUsageError(await rnn('train', good, '--column', 'temp', '--epochs', '-3'), /^rnn train: option '--epochs <n>' argument '-3' is invalid\. Expected a whole number ≥ 1\.$/m);
    expectUsageError(await rnn('train', good, '--column', 'temp', '--seed', '99999999999'), /^rnn train: option '--seed <n>' argument '99999999999' is invalid\. Expected a whole number from 0 to 4294967295\.$/m);
    expectUsageError(await rnn('train', good, '--column', 'temp', '--window', '2.5'), /argument '2\.5' is invalid/);
    expectUsageError(await rnn('train', good, '--column', 'temp', '--units', '50,x'), /Expected whole numbers ≥ 1 separated by commas/);
    expectUsageError(await rnn('train', good, '--column', 'temp', '--model', 'lsmt'), /Allowed choices are lstm, gru, rnn/);
    expectUsageError(await rnn('forecast', dir, good, '--steps', 'abc'), /^rnn forecast: option '--steps <n>' argument 'abc' is invalid/m);
  });

  it('a missing argument or required option', async () => {
    expectUsageError(await rnn('train', '--column', 'temp'), /^rnn train: missing required argument 'csv'$/m);
    expectUsageError(await rnn('train', good), /^rnn train: required option '--column <name>' not specified$/m);
  });

  it('a constant series gets a clear message', async () => {
    const csv = writeCsv(dir, 'flat.csv', ['level'], Array.from({ length: 80 }, () => [5]));
    expectUsageError(await rnn('train', csv, '--column', 'level'), /'level' is constant over the training span \(every value is 5\): there is nothing to learn/);
  });

  it('dates: non-ISO without --date-format, out of order, duplicated; --date-format reads them', async () => {
    const dmy = writeCsv(dir, 'dmy.csv', ['date', 'temp'], rows.slice(0, 40).map((_, i) => [`${String((i % 28) + 1).padStart(2, '0')}/01/2020`, i]));
    expectUsageError(await rnn('train', dmy, '--column', 'temp'), /dmy\.csv line 2, column 'date': '01\/01\/2020' is not an ISO date \(yyyy-mm-dd\); give its format with --date-format/);
    expectUsageError(await rnn('train', dmy, '--column', 'temp', '--date-format', 'MM/dd/yyyy'), /line 14, column 'date': '13\/01\/2020' does not match --date-format MM\/dd\/yyyy/);
    expectUsageError(await rnn('train', dmy, '--column', 'temp', '--date-format', 'dd/MM/yyyy'), /line 30 \(2020-01-01\) repeats the date of line 29|comes before/);
    const swapped = dated(40);
    [swapped[10], swapped[11]] = [swapped[11], swapped[10]];
    const unordered = writeCsv(dir, 'unordered.csv', ['date', 'temp'], swapped.map((d, i) => [d, i]));
    expectUsageError(await rnn('train', unordered, '--column', 'temp'), /^rnn train: unordered\.csv: line 13 \(2020-01-11\) comes before line 12 \(2020-01-12\) in column 'date'; sort the rows by date$/m);
    const twice = dated(40);
    twice[20] = twice[19];
    const duplicated = writeCsv(dir, 'duplicated.csv', ['date', 'temp'], twice.map((d, i) => [d, i]));
    expectUsageError(await rnn('train', duplicated, '--column', 'temp'), /line 22 \(2020-01-20\) repeats the date of line 21 in column 'date'; keep one row per date/);
    const european = writeCsv(dir, 'european.csv', ['date', 'temp'], dated(80).map((d, i) => [d.split('-').reverse().join('/'), Math.sin(i / 4).toFixed(3)]));
    const ok = await rnn('train', european, '--column', 'temp', '--date-format', 'dd/MM/yyyy', '--window', '8', '--units', '4', '--epochs', '1', '--quiet', '--no-plot', '--out', join(dir, 'european-model'));
    expect(ok.err).toBe('');
    expect(ok.out).toMatch(/80 rows, 2020-01-01 to 2020-03-20 \(days\)/);
  });

  it('a directory that is not a model', async () => {
    expectUsageError(await rnn('evaluate', join(dir, 'none'), good), /^rnn evaluate: model directory '.*none' not found/m);
    expectUsageError(await rnn('info', dir), /^rnn info: '.*' is not a model directory: it has no model\.json/m);
  });

  it('--help prints usage and exits 0', async () => {
    const help = await rnn('train', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: rnn train \[options\] <csv>/);
    expect(help.out).toMatch(/--epochs <n>\s+most training epochs/);
    const top = await rnn('--help');
    expect(top.out).toMatch(/train \[options\] <csv>\s+train a model/);
    expect(top.out).toMatch(/export \[options\] <model-dir>\s+write a model/);
  });
});

describe('the installed rnn binary', () => {
  const bin = join(__dirname, '..', 'bin', 'rnn.js');
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });

  it('--help exits 0; an unknown flag, a bad value or a missing file exit 2 with one line', () => {
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: rnn \[options\] \[command\]/);
    for (const args of [['train', good, '--column', 'temp', '--bogus'], ['train', good, '--column', 'temp', '--epochs', '-1'], ['train', join(dir, 'nope.csv'), '--column', 'x']]) {
      const r = run(...args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^rnn train: /);
    }
  });
});
