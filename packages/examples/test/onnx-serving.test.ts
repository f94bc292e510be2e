import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runProgram } from '@rnn/cli';
import { tempDir } from '../../../test-support/temp-dirs';
import { DEFAULT_CSV, main, onnxServingProgram } from '../src/onnx-serving';

describe('onnx-serving', () => {
  it("exports a model trained like the demo's, runs it in ONNX Runtime and prints both predictions", async () => {
    // The demo's `rnn train`, smaller and for one epoch, on the last 300 closes.
    const dir = tempDir('rnn-onnx-serving-');
    const lines = readFileSync(DEFAULT_CSV, 'utf8').trim().split('\n');
    const csv = join(dir, 'sp500-tail.csv');
    writeFileSync(csv, [lines[0], ...lines.slice(-300)].join('\n') + '\n');
    const quiet = { stdout: { write: () => true }, stderr: { write: () => true } };
    expect(await runCli(['train', csv, '--column', 'close', '--window', '10', '--units', '6,6', '--epochs', '1', '--quiet', '--no-plot', '--out', join(dir, 'sp500-model')], quiet)).toBe(0);
    const log: string[] = [];
    const r = await main({ model: join(dir, 'sp500-model'), windows: 3, log: (l) => log.push(l) });
    expect(r.onnxPath).toBe(join(dir, 'sp500-model.onnx'));
    expect(r.rows).toHaveLength(3);
    // float32 on both sides; the outputs are small relative moves, so relative differences of ~1e-5 are rounding.
    expect(r.maxRelativeDifference).toBeLessThan(1e-4);
    for (const row of r.rows) {
      expect(row.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Math.abs(row.onnxRuntime - row.predicted)).toBeLessThan(1e-3);
      expect(row.predicted).toBeGreaterThan(1000); // index points near the last close
    }
    expect(log.join('\n')).toContain('ONNX Runtime');
  });

  it('says what to do when the demo has not saved its model; checks its flags', async () => {
    await expect(main({ model: join(tempDir('rnn-onnx-serving-'), 'missing'), log: () => {} })).rejects.toThrow(/npm run demo/);
    let err = '';
    const io = { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) } };
    expect(await runProgram(onnxServingProgram(io), ['--windows', '0'], io)).toBe(2);
    expect(err).toBe("onnx-serving: option '--windows <n>' argument '0' is invalid. Expected a whole number ≥ 1.\n");
  });
});
