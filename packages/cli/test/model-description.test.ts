import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rnn, tempDir, writeCsv } from './helpers';

// model.json is a text file: a model directory whose series description was edited or damaged is a
// one-line error (exit 2) naming the field, never a TypeError and never a forecast of nonsense.
const dir = tempDir();
const csv = writeCsv(dir, 'series.csv', ['v'], Array.from({ length: 120 }, (_, i) => [(10 + Math.sin(i / 3)).toFixed(3)]));
const model = join(dir, 'model');
let copies = 0;

type Series = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A copy of the trained model whose series description `edit` changed. */
function edited(edit: (s: Series) => void): string {
  const copy = join(dir, `edited-${++copies}`);
  cpSync(model, copy, { recursive: true });
  const file = JSON.parse(readFileSync(join(copy, 'model.json'), 'utf8')) as { attachments: { series: Series } };
  edit(file.attachments.series);
  writeFileSync(join(copy, 'model.json'), JSON.stringify(file));
  return copy;
}

beforeAll(async () => {
  const train = await rnn('train', csv, '--column', 'v', '--window', '8', '--horizon', '2', '--units', '4', '--epochs', '1', '--quiet', '--no-plot', '--out', model);
  expect(train.code, train.err).toBe(0);
});

const CASES: [string, (s: Series) => void, string][] = [
  ['inputs missing', (s) => delete s.inputs, 'series.inputs should be a non-empty list, got nothing (the field is missing)'],
  ['data missing', (s) => delete s.data, 'series.data should be an object, got nothing (the field is missing)'],
  ['training missing', (s) => delete s.training, 'series.training should be an object, got nothing (the field is missing)'],
  ['an unknown scaling kind', (s) => (s.scaling[0].kind = 'bogus'), "series.scaling[0].kind should be one of 'ratio', 'diff', 'standard', 'minmax', got 'bogus'"],
  ['a scale of 0', (s) => (s.scaling[0].scale = 0), 'series.scaling[0].scale should be a number > 0, got 0'],
  ['a window the network does not have', (s) => (s.window = 9), "series.window should be the network's 8 steps, got 9"],
  ['a horizon the network does not have', (s) => (s.horizon = 1), "series.horizon should be the network's 2 outputs, got 1"],
  ['a text for a row number', (s) => (s.data.testStartRow = '90'), "series.data.testStartRow should be a whole number ≥ 0, got '90'"],
  ['a version that is not a number', (s) => (s.version = 'one'), "series.version should be 1, got 'one'"],
];

describe('a damaged series description in model.json', () => {
  it('the model as saved loads', async () => {
    expect((await rnn('forecast', model, csv, '--steps', '2', '--no-plot')).code).toBe(0);
  });

  it.each(CASES)('%s: a one-line error naming the field, exit 2', async (_, edit, message) => {
    const copy = edited(edit);
    for (const command of [['forecast', copy, csv, '--no-plot'], ['evaluate', copy, csv, '--no-plot'], ['info', copy]]) {
      const run = await rnn(...command);
      expect(run.code).toBe(2);
      expect(run.out).toBe('');
      expect(run.err).toBe(`rnn ${command[0]}: '${copy}' has a damaged model description (model.json): ${message}\n`);
    }
  });
});
