import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rnn, tempDir, writeCsv } from './helpers';

// A reader that stops early (`rnn forecast … | head -1`) closes the pipe under rnn's output: the
// rest of the output is dropped quietly, without a stack trace, and the command still does its work.
// These run the built binary (bin/rnn.js → dist), as a user's shell does: nx builds before testing.
const dir = tempDir();
const bin = join(__dirname, '..', 'bin', 'rnn.js');
const csv = writeCsv(dir, 'series.csv', ['v'], Array.from({ length: 120 }, (_, i) => [(10 + Math.sin(i / 3)).toFixed(3)]));
const short = ['--window', '8', '--units', '4', '--epochs', '1', '--quiet', '--no-plot'];
const model = join(dir, 'model');

/** Runs the rnn binary with its stdout a pipe whose reading end is closed before rnn writes anything. */
function runWithStdoutClosed(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

beforeAll(async () => {
  const train = await rnn('train', csv, '--column', 'v', ...short, '--out', model);
  expect(train.code, train.err).toBe(0);
});

describe('rnn writing to a closed pipe', () => {
  it('forecast --format csv ends quietly', async () => {
    const run = await runWithStdoutClosed('forecast', model, csv, '--steps', '2000', '--format', 'csv', '--no-plot');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('train still saves its model', async () => {
    const out = join(dir, 'piped-model');
    const run = await runWithStdoutClosed('train', csv, '--column', 'v', ...short, '--out', out);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(existsSync(join(out, 'model.json'))).toBe(true);
    expect((await rnn('info', out)).code).toBe(0);
  });
});
