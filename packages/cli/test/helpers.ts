import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '@rnn/core';
import { runCli } from '../src/program';
import { tempDir as sharedTempDir } from '../../../test-support/temp-dirs';

/** The outcome of one in-process `rnn` run. */
export interface Run {
  code: number;
  out: string;
  err: string;
}

/** Runs `rnn argv…` in this process, capturing its output. */
export async function rnn(...argv: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const io = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } };
  const code = await runCli(argv, io);
  return { code, out, err };
}

/** A new temporary directory, removed when the test file ends. */
export function tempDir(): string {
  return sharedTempDir('rnn-cli-');
}

/** Writes a CSV file from a header and rows into `dir`; returns its path. */
export function writeCsv(dir: string, name: string, header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const path = join(dir, name);
  writeFileSync(path, [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n');
  return path;
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Standard normal draws from a seeded generator (Box–Muller). */
function normals(seed: number, n: number): number[] {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next()));
}

/** Weekday dates from 2016-01-04 on (a multi-year span for 700 rows). */
export function businessDays(n: number): string[] {
  const out: string[] = [];
  for (let t = Date.UTC(2016, 0, 4); out.length < n; t += DAY) if (new Date(t).getUTCDay() % 6 !== 0) out.push(iso(t));
  return out;
}

/** The generated series of the tests, each `[header, rows]`. */
export const generated = {
  /** A positive random walk (geometric, 1% daily moves) on business days. */
  randomWalk(n = 700): [string[], (string | number)[][]] {
    const z = normals(1, n);
    let level = 100;
    const dates = businessDays(n);
    return [['date', 'price'], z.map((e, i) => [dates[i], +(level *= Math.exp(0.01 * e)).toFixed(4)])];
  },
  /** A sine of period 25 crossing zero, with a little noise, and no dates. */
  sine(n = 500): [string[], (string | number)[][]] {
    const z = normals(2, n);
    return [['value'], z.map((e, i) => [+(Math.sin((2 * Math.PI * i) / 25) + 0.05 * e).toFixed(5)])];
  },
  /** Monthly values with a trend and a yearly season, noisy. */
  seasonal(n = 480): [string[], (string | number)[][]] {
    const z = normals(3, n);
    return [['month', 'sales'], z.map((e, i) => [iso(Date.UTC(1980, i, 1)), +(50 + 0.1 * i + 8 * Math.sin((2 * Math.PI * i) / 12) + 0.8 * e).toFixed(3)])];
  },
  /** A wandering series around 0 (a sensor, say) that reads exactly 0 for 120 rows in the middle. */
  constantStretch(n = 500): [string[], (string | number)[][]] {
    const z = normals(4, n);
    let level = 0;
    return [['t', 'level'], z.map((e, i) => [i, i >= 200 && i < 320 ? 0 : +(level += 0.3 * e).toFixed(4)])];
  },
  /** A target that follows a leading input three rows later, and an unrelated input. */
  multiFeature(n = 500): [string[], (string | number)[][]] {
    const z = normals(5, 2 * n);
    const lead = Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * i) / 40) + 0.3 * Math.sin((2 * Math.PI * i) / 7));
    return [['date', 'target', 'lead', 'noise'], lead.map((l, i) => [iso(Date.UTC(2018, 0, 1) + i * DAY), +((lead[i - 3] ?? 0) + 0.05 * z[i]).toFixed(4), +l.toFixed(4), +z[n + i].toFixed(4)])];
  },
};
