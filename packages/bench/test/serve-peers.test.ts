import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../src/args';
import { runGrid } from '../src/run-grid';
import { tempDir } from '../../../test-support/temp-dirs';

// The bench's children run from this source tree too: they inherit the TypeScript loader.
process.env.NODE_OPTIONS = `--import ${fileURLToPath(new URL('../../../test-support/ts-register.mjs', import.meta.url))}`;
process.env.RNN_TS_CHILD_CACHE = tempDir('bench-children-');

describe('serving and the onnxruntime peer', () => {
  it('validates every served backend on the same weights (ONNX Runtime on the graph torch exports) before serving', async () => {
    const opts = parseBenchArgs(['--cell', 'gru', '--mode', 'serve', '--callers', '1,2', '--serve-ms', '50', '--backend', 'native,fallback,pytorch,onnxruntime', '--skip-sgemm']);
    if (opts === 'help') throw new Error('unexpected help');
    const lines: string[] = [];
    const outcome = await runGrid(opts, (line) => lines.push(line));
    expect(outcome.failures).toEqual([]);
    expect(outcome.skipped).toEqual([]);
    const checked = outcome.validations.map((v) => `${v.reference} vs ${v.checked}: ${v.ok}`);
    expect(checked).toEqual(['native vs fallback: true', 'native vs pytorch: true', 'native vs onnxruntime: true']);
    // ONNX Runtime's check is on predictions of all the validated sequences.
    expect(outcome.validations[2].checks.map((c) => c.what)).toEqual(['prediction']);
    const served = outcome.serving.map((s) => `${s.backend} ${s.callers}`);
    expect(served).toEqual(['native 1', 'native 2', 'fallback 1', 'fallback 2', 'pytorch 1', 'pytorch 2', 'onnxruntime 1', 'onnxruntime 2']);
    for (const s of outcome.serving) {
      expect(s.sequences).toBeGreaterThan(0);
      expect(s.p99Ms).toBeGreaterThanOrEqual(s.p50Ms);
    }
  }, 180_000);
});
