import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProgram, type CliIo } from '@rnn/cli';
import type { Command } from 'commander';
import { main as nameClassifier, nameClassifierProgram } from '../src/name-classifier';
import { main as nameGenerator, nameGeneratorProgram } from '../src/name-generator';
import { DEFAULT_CSV, demoCommands, main as stockForecast, stockForecastProgram } from '../src/stock-forecast';
import { main as toyStacked, toyStackedProgram } from '../src/toy-stacked';
import { tempDir } from '../../../test-support/temp-dirs';

// Smoke tests: each example end to end on a small slice for an epoch or two, so none of them rots.
// They check that the pieces fit and the reports are sane, not that the models are good.
const quiet = { log: () => {}, verbose: 0 as const };

function capture(): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } }, out: () => out, err: () => err };
}

describe('examples (short settings)', () => {
  it('stock-forecast: rnn train, evaluate and forecast on the S&P 500 closes, in index points', async () => {
    const dir = tempDir('rnn-stock-');
    const lines = readFileSync(DEFAULT_CSV, 'utf8').trim().split('\n');
    const csv = join(dir, 'sp500-tail.csv');
    writeFileSync(csv, [lines[0], ...lines.slice(-400)].join('\n') + '\n');
    const c = capture();
    const code = await stockForecast({ csv, epochs: 1, out: dir, quiet: true }, c.io);
    expect(code, c.err()).toBe(0);
    expect(c.err()).toBe('');
    const out = c.out();
    expect(out).toMatch(/\$ rnn train .*sp500-tail\.csv --column close --window 10 --units 50,50 --epochs 1/);
    expect(out).toMatch(/Scaling 'close': ratio to each window's last value/);
    expect(out).toMatch(/Saved the model to .*sp500-model \(reloaded and checked: identical predictions\)/);
    expect(out).toMatch(/Test span of 'close': 78 windows/);
    expect(out).toMatch(/^ {2}naive +\d+\.\d+/m);
    expect(out).toMatch(/Verdict: .*the naive baseline/);
    expect(out).toMatch(/Forecast of 'close' for the 5 business days after 2020-04-17/);
    const forecast = [...out.matchAll(/^ {2}2020-04-2\d +(\d+\.\d)$/gm)].map((m) => Number(m[1]));
    expect(forecast).toHaveLength(5);
    for (const v of forecast) expect(v).toBeGreaterThan(1000), expect(v).toBeLessThan(6000);
    for (const plot of ['learning-curve', 'evaluation', 'forecast']) expect(existsSync(join(dir, 'sp500-model', `${plot}.svg`))).toBe(true);
  });

  it('stock-forecast: the default run is the tutorial model on the bundled closes, in index points', () => {
    const [train, evaluate, forecast] = demoCommands();
    expect(train[0]).toBe('train');
    expect(resolve(train[1])).toBe(DEFAULT_CSV);
    expect(train.slice(2).join(' ')).toBe('--column close --window 10 --units 50,50 --epochs 10 --scaling auto --unit index points --out out/sp500-model');
    expect(evaluate[0]).toBe('evaluate');
    expect(forecast).toContain('--steps');
  });

  it('toy-stacked: SimpleRNN → LSTM → GRU trains on [5, 5, 1] and lowers its loss', async () => {
    const r = await toyStacked({ epochs: 30, log: () => {} });
    expect(r.rows).toHaveLength(5);
    expect(r.rows[0].input).toEqual([1, 0, 1, 1, 0]);
    expect(r.finalLoss).toBeLessThan(r.initialLoss);
    for (const row of r.rows) expect(row.predicted).toBeGreaterThan(0), expect(row.predicted).toBeLessThan(1);
  });

  it('name-classifier: reports held-out accuracy next to the majority baseline', async () => {
    const r = await nameClassifier({ ...quiet, epochs: 1, limit: 400 });
    expect(r.trainNames + r.testNames).toBe(400);
    expect(r.accuracy).toBeGreaterThanOrEqual(0);
    expect(r.accuracy).toBeLessThanOrEqual(1);
    expect(r.majorityBaseline).toBeGreaterThanOrEqual(0.5 - 0.15); // the lists are roughly 55/45
    for (const e of r.examples) expect(e.pFemale).toBeGreaterThan(0), expect(e.pFemale).toBeLessThan(1);
  });

  it('name-generator: samples lower-case names', async () => {
    const r = await nameGenerator({ ...quiet, epochs: 1, limit: 300, count: 3 });
    expect(r.samples).toHaveLength(3);
    for (const s of r.samples) expect(s).toMatch(/^[a-z' -]{0,13}$/);
    expect(Number.isFinite(r.finalLoss)).toBe(true);
  });
});

describe('every example checks its flags the same way', () => {
  const programs: [string, (io: CliIo) => Command, string[]][] = [
    ['stock-forecast', stockForecastProgram, ['--epochs', '-3']],
    ['name-generator', nameGeneratorProgram, ['--count', 'abc']],
    ['name-classifier', nameClassifierProgram, ['--epochs', '0']],
    ['toy-stacked', toyStackedProgram, ['--epochs', '2.5']],
  ];
  for (const [name, program, bad] of programs) {
    it(`${name}: --help works; a bad value or an unknown flag is one line with exit code 2`, async () => {
      const help = capture();
      expect(await runProgram(program(help.io), ['--help'], help.io)).toBe(0);
      expect(help.out()).toMatch(new RegExp(`^Usage: ${name} \\[options\\]`));
      for (const argv of [bad, ['--epochz', '3']]) {
        const c = capture();
        expect(await runProgram(program(c.io), argv, c.io)).toBe(2);
        expect(c.out()).toBe('');
        expect(c.err()).toMatch(new RegExp(`^${name}: (option '--\\w+ <\\w+>' argument '${bad[1].replace('.', '\\.')}' is invalid\\. Expected .*|unknown option '--epochz' \\(Did you mean --epochs\\?\\))\\n$`));
      }
    });
  }
  it('name-generator: a temperature of 0 or less is refused before training', async () => {
    const c = capture();
    expect(await runProgram(nameGeneratorProgram(c.io), ['--temperature', '0'], c.io)).toBe(2);
    expect(c.err()).toBe("name-generator: option '--temperature <t>' argument '0' is invalid. Expected a number > 0.\n");
  });
});
