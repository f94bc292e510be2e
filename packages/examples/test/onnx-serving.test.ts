import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dense, LSTM, Sequential, saveModel, setAttachment } from '@rnn/core';
import { tempDir } from '../../../test-support/temp-dirs';
import { main } from '../src/onnx-serving';

describe('onnx-serving', () => {
  it("exports a model saved like the demo's, runs it in ONNX Runtime and prints both predictions", async () => {
    // The demo's architecture, smaller and untrained, saved with the demo's preprocessing attachment.
    const model = new Sequential([new LSTM({ units: 6, returnSequences: true, inputShape: [10, 1] }), new LSTM({ units: 6 }), new Dense({ units: 1 })], { seed: 3 });
    setAttachment(model, 'preprocessing', { scaling: 'window', window: 10, factor: 100 });
    const dir = tempDir('rnn-onnx-serving-');
    await saveModel(model, join(dir, 'stock-model'));
    const lines: string[] = [];
    const r = await main({ model: join(dir, 'stock-model'), windows: 3, log: (l) => lines.push(l) });
    expect(r.onnxPath).toBe(join(dir, 'stock-model.onnx'));
    expect(r.rows).toHaveLength(3);
    expect(r.maxRelativeDifference).toBeLessThan(1e-5);
    for (const row of r.rows) {
      expect(row.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(Math.abs(row.onnxRuntime - row.predicted)).toBeLessThan(1e-3);
      expect(row.predicted).toBeGreaterThan(1000); // index points near the last close
    }
    expect(lines.join('\n')).toContain('ONNX Runtime');
  });

  it('says what to do when the demo has not saved its model', async () => {
    await expect(main({ model: join(tempDir('rnn-onnx-serving-'), 'missing'), log: () => {} })).rejects.toThrow(/npm run demo/);
  });
});
