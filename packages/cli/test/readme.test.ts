import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readmeBlocks } from '../../core/test/readme-blocks';
import { rnn, tempDir, writeCsv } from './helpers';

// The `rnn` commands the repository README shows, run from the README text on a CSV file like the
// one it names (daily temperatures that cross 0 °C), with short training.
const shell = readmeBlocks('Forecast your own CSV: `rnn`').filter((b) => b.lang === 'sh');
const commands = shell.flatMap((b) => [...b.code.matchAll(/^npx rnn (.+)$/gm)].map((m) => m[1].split(/\s+/)));

describe('README: rnn on your own CSV', () => {
  it('shows train, evaluate and forecast, and they run as written', async () => {
    expect(commands.map((c) => c[0])).toEqual(['train', 'evaluate', 'forecast']);
    const dir = tempDir();
    const day = 86_400_000;
    const rows = Array.from({ length: 400 }, (_, i) => [
      new Date(Date.UTC(2021, 0, 1) + i * day).toISOString().slice(0, 10),
      (8 - 10 * Math.cos((2 * Math.PI * i) / 365) + 2 * Math.sin(i / 3)).toFixed(2),
    ]);
    writeCsv(dir, 'temps.csv', ['date', 'temp_c'], rows);
    const inDir = (args: string[]) => args.map((a) => (/\.csv$|-model$/.test(a) ? join(dir, a) : a));
    for (const args of commands) {
      const short = args[0] === 'train' ? ['--epochs', '2', '--units', '8', '--quiet'] : [];
      const run = await rnn(...inDir(args), ...short);
      expect(run.code, run.err).toBe(0);
      expect(run.out).not.toMatch(/NaN|Infinity/);
      if (args[0] === 'train') expect(run.out).toMatch(/Scaling 'temp_c': (standardised|difference).*takes values ≤ 0/);
      if (args[0] === 'forecast') expect(run.out.trim().split('\n')).toHaveLength(31); // header + 30 rows
    }
  });
});
