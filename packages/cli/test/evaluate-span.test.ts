import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rnn, tempDir, writeCsv } from './helpers';

// `rnn evaluate` tests on the rows after the training data and on nothing else: a file that ends
// before a whole test window is an error, never a silent evaluation of the training windows.
const dir = tempDir();
const DAY = 86_400_000;
const header = ['date', 'v'];
const rows = Array.from({ length: 200 }, (_, i) => [new Date(Date.UTC(2020, 0, 1) + i * DAY).toISOString().slice(0, 10), (10 + Math.sin(i / 4) + i / 50).toFixed(3)]);
const csv = writeCsv(dir, 'series.csv', header, rows);
const model = join(dir, 'model');
let testStart = 0;

beforeAll(async () => {
  const train = await rnn('train', csv, '--column', 'v', '--horizon', '3', '--window', '10', '--units', '4', '--epochs', '1', '--quiet', '--no-plot', '--out', model);
  expect(train.code, train.err).toBe(0);
  testStart = (JSON.parse((await rnn('info', model, '--json')).out) as { data: { testStartRow: number } }).data.testStartRow;
});

describe('rnn evaluate: the test span only', () => {
  it('a file with fewer than --horizon rows from the test start on has no test window: exit 2', async () => {
    const short = writeCsv(dir, 'short.csv', header, rows.slice(0, testStart + 2));
    const run = await rnn('evaluate', model, short, '--no-plot');
    expect(run.code).toBe(2);
    expect(run.out).toBe('');
    expect(run.err).toBe(
      `rnn evaluate: ${short} has 2 rows from ${rows[testStart][0]} on, where the model's test span starts, but each test window forecasts ` +
        `the next 3 values: no test window to evaluate; give a file with at least 3 rows from ${rows[testStart][0]} on\n`,
    );
  });

  it('with exactly --horizon rows from the test start on, the one test window is evaluated', async () => {
    const just = writeCsv(dir, 'just.csv', header, rows.slice(0, testStart + 3));
    const run = await rnn('evaluate', model, just, '--format', 'json', '--no-plot');
    expect(run.code, run.err).toBe(0);
    const report = JSON.parse(run.out) as { span: string; windows: number };
    expect(report.windows).toBe(1);
    expect(report.span).toBe(`${rows[testStart][0]} to ${rows[testStart][0]}`);
  });

  it('a newer file that starts at the test date but is shorter than a window and its horizon: exit 2', async () => {
    const newer = writeCsv(dir, 'newer.csv', header, rows.slice(testStart, testStart + 12));
    const run = await rnn('evaluate', model, newer, '--no-plot');
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/newer\.csv has 12 rows, but the model forecasts the next 3 values from the 10 rows before: no test window to evaluate; give a file with at least 13 rows$/m);
  });
});
