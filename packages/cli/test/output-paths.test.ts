import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSvg } from '../src/plots/render';
import { rnn, tempDir, writeCsv, type Run } from './helpers';

// Where rnn writes is checked before it trains: a directory given as the plot file or a file given
// as the model directory is a one-line usage error (exit 2) naming it, not a raw EISDIR after the
// training run. A plot that still fails leaves no temporary file, and never costs the saved model.
const dir = tempDir();
const csv = writeCsv(dir, 'series.csv', ['v'], Array.from({ length: 120 }, (_, i) => [(10 + Math.sin(i / 3)).toFixed(3)]));
const short = ['--column', 'v', '--window', '8', '--units', '4', '--epochs', '1', '--quiet'];
const plotDir = join(dir, 'plots');
const aFile = join(dir, 'a-file.txt');
const model = join(dir, 'model');

function expectUsageError(run: Run, message: string): void {
  expect(run.code).toBe(2);
  expect(run.out).toBe('');
  expect(run.err).toBe(`${message}\n`);
}

/** Files in `dir` that a write aside left behind. */
const leftovers = () => readdirSync(dir).filter((name) => name.endsWith('.tmp'));

beforeAll(async () => {
  mkdirSync(plotDir);
  writeFileSync(aFile, 'not a directory\n');
  const train = await rnn('train', csv, ...short, '--no-plot', '--out', model);
  expect(train.code, train.err).toBe(0);
});

describe('rnn train: output paths are checked before training', () => {
  it('--plot naming an existing directory', async () => {
    const out = join(dir, 'unsaved');
    expectUsageError(await rnn('train', csv, ...short, '--plot', plotDir, '--out', out), `rnn train: --plot '${plotDir}' is a directory; give a file name, e.g. ${join(plotDir, 'learning-curve.svg')}`);
    expect(existsSync(out)).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it('--plot under a file, or naming the --out directory', async () => {
    const under = join(aFile, 'curve.svg');
    expectUsageError(await rnn('train', csv, ...short, '--plot', under, '--out', join(dir, 'unsaved')), `rnn train: --plot '${under}' cannot be created: '${aFile}' is a file, not a directory`);
    const out = join(dir, 'same');
    expectUsageError(await rnn('train', csv, ...short, '--plot', out, '--out', out), `rnn train: --plot '${out}' is the --out directory; give the plot a file name of its own`);
  });

  it('--out naming an existing file', async () => {
    expectUsageError(await rnn('train', csv, ...short, '--out', aFile), `rnn train: --out '${aFile}' is a file, but it names a directory to create or write into`);
  });

  it('saves the model before it writes the learning curve', async () => {
    const out = join(dir, 'plotted');
    const run = await rnn('train', csv, ...short, '--out', out);
    expect(run.code, run.err).toBe(0);
    const lines = run.out.trim().split('\n');
    expect(lines.slice(-2)).toEqual([`Saved the model to ${out} (reloaded and checked: identical predictions).`, `Wrote ${join(out, 'learning-curve.svg')}`]);
  });
});

describe('rnn evaluate and forecast: --plot', () => {
  it('naming an existing directory is a usage error', async () => {
    const hint = (name: string) => `give a file name, e.g. ${join(plotDir, name)}`;
    expectUsageError(await rnn('evaluate', model, csv, '--plot', plotDir), `rnn evaluate: --plot '${plotDir}' is a directory; ${hint('evaluation.svg')}`);
    expectUsageError(await rnn('forecast', model, csv, '--plot', plotDir), `rnn forecast: --plot '${plotDir}' is a directory; ${hint('forecast.svg')}`);
    expect(leftovers()).toEqual([]);
  });
});

describe('writeSvg', () => {
  it('removes its temporary file when the rename fails', async () => {
    await expect(writeSvg(plotDir, { mark: 'point', data: { values: [{ x: 1 }] }, encoding: { x: { field: 'x', type: 'quantitative' } } })).rejects.toThrow();
    expect(leftovers()).toEqual([]);
  });
});
