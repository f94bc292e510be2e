import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeCsv } from './helpers';

// Dates without a zone are UTC wall-clock dates whatever the machine's time zone: the same file
// gives the same dates, cadence and split under TZ=UTC as in zones with daylight saving, even
// across the hour a clock change skips. Each run is the built binary (bin/rnn.js → dist) in a child
// process with its own TZ, as on a user's machine.
const dir = tempDir();
const bin = join(__dirname, '..', 'bin', 'rnn.js');
const HOUR = 3_600_000;
const value = (i: number) => (10 + Math.sin(i / 5) + i / 100).toFixed(3);
const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
const dmy = (ms: number) => stamp(ms).replace(/^(\d{4})-(\d{2})-(\d{2})/, '$3/$2/$1');

const FILES: { name: string; rows: [string, string][]; cadence: string; extra?: string[] }[] = [
  // New York springs forward at 2020-03-08 02:00: 02:00–02:59 do not exist there.
  { name: 'hourly.csv', rows: hours(Date.UTC(2020, 2, 7), stamp), cadence: 'hours' },
  { name: 'hourly-dmy.csv', rows: hours(Date.UTC(2020, 2, 7), dmy), cadence: 'hours', extra: ['--date-format', 'dd/MM/yyyy HH:mm'] },
  // São Paulo sprang forward at midnight on 2018-11-04: that day had no 00:00.
  { name: 'daily.csv', rows: Array.from({ length: 300 }, (_, i) => [stamp(Date.UTC(2018, 5, 1) + i * 24 * HOUR).slice(0, 10), value(i)]), cadence: 'days' },
];

function hours(start: number, label: (ms: number) => string): [string, string][] {
  return Array.from({ length: 300 }, (_, i) => [label(start + i * HOUR), value(i)]);
}

/** `rnn train` under time zone `tz`: its exit code and what it says about the dates and the split. */
function trainUnder(tz: string, csv: string, extra: string[]): { code: number | null; err: string; dates: string[] } {
  const out = join(dir, `model-${tz.replace('/', '-')}`);
  const args = ['train', csv, '--column', 'v', '--window', '10', '--units', '4', '--epochs', '1', '--quiet', '--no-plot', '--out', out, ...extra];
  const run = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, TZ: tz }, timeout: 60_000 });
  return { code: run.status, err: run.stderr, dates: run.stdout.split('\n').filter((line) => /^(Training data|Windows of)/.test(line)) };
}

describe('dates do not depend on the time zone', () => {
  for (const file of FILES) {
    it(`${file.name}: the same dates and split under America/New_York and America/Sao_Paulo as under UTC`, () => {
      const csv = writeCsv(dir, file.name, ['date', 'v'], file.rows);
      const reference = trainUnder('UTC', csv, file.extra ?? []);
      expect(reference.code, reference.err).toBe(0);
      expect(reference.dates[0]).toMatch(new RegExp(`300 rows, .* \\(${file.cadence}\\)$`));
      for (const tz of ['America/New_York', 'America/Sao_Paulo']) {
        const run = trainUnder(tz, csv, file.extra ?? []);
        expect(run.err, tz).toBe('');
        expect(run.code, tz).toBe(0);
        expect(run.dates, tz).toEqual(reference.dates);
      }
    });
  }
});
