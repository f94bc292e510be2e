import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../../test-support/temp-dirs';
import { exportOnnxBytes } from '../../../src/interop/onnx';
import { ONNX_OPSETS } from '../../../src/interop/onnx/metadata';
import { PYTHON, pythonChecksRun } from '../helpers';
import { EXPORT_CASES, STATE_CASES } from './export-cases';

const SCRIPT = join(__dirname, '..', '..', '..', '..', '..', 'tools', 'onnx', 'check_models.py');
const dir = tempDir('rnn-onnx-checker-');

/**
 * The official ONNX checker (`onnx.checker.check_model(full_check=True)`: structure, types, opset
 * schemas, strict shape inference) accepts every model of the export test matrix at every opset.
 * It needs python3-onnx: in CI (`CI=true`) it always runs, so its absence fails; elsewhere it is skipped.
 */
describe('ONNX checker over our exports', () => {
  it.runIf(pythonChecksRun(['onnx']))('check_model(full_check=True) passes every exported model at every opset', async () => {
    let count = 0;
    for (const c of [...EXPORT_CASES, ...STATE_CASES]) {
      const model = c.make();
      for (const opset of ONNX_OPSETS) {
        writeFileSync(join(dir, `${c.name}.opset${opset}.onnx`), await exportOnnxBytes(model, { opset }));
        count++;
      }
    }
    const result = spawnSync(PYTHON, [SCRIPT, dir], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toContain(`checked ${count} models, 0 failing`);
    expect(result.status).toBe(0);
  }, 300_000);
});
