import { symlinkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../../test-support/temp-dirs';
import { expectClose } from '../../../src/testing/compare';
import { readmeBlocks, runPythonBlock, runTsBlock } from '../../readme-blocks';
import { PYTHON_TIMEOUT, pythonChecksRun } from '../helpers';
import { ORT_TOLERANCE } from './helpers';

/** A folder for a guide's files, where `import … from 'onnxruntime-node'` resolves to ours. */
function guideDir(prefix: string): string {
  const dir = tempDir(prefix);
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(join(__dirname, '..', '..', '..', '..', '..', 'node_modules', 'onnxruntime-node'), join(dir, 'node_modules', 'onnxruntime-node'), 'dir');
  return dir;
}

/**
 * The README's ONNX guides, run from the README text in one folder each: the @rnn side's blocks
 * and the other side's, then what the guide claims is checked (ONNX Runtime serves `predict`'s
 * numbers; the imported torch model predicts what the torch module computes).
 */
describe('README: Serving with ONNX Runtime', () => {
  const blocks = readmeBlocks('Serving with ONNX Runtime');

  it('has an @rnn block and an ONNX Runtime block', () => {
    expect(blocks.map((b) => b.lang)).toEqual(['ts', 'ts']);
  });

  it('ONNX Runtime serves the exported model with the numbers of predict', async () => {
    const dir = guideDir('rnn-readme-onnx-serving-');
    const predicted = (await runTsBlock(blocks[0].code, dir, 'export'))[0][0] as number[][];
    const [dims, data] = (await runTsBlock(blocks[1].code, dir, 'serve'))[0] as [number[], Float32Array];
    expect(dims).toEqual([1, 3]);
    expectClose(data, predicted.flat(), ORT_TOLERANCE, 'README: ONNX Runtime against predict');
  });
});

describe('README: Bringing a PyTorch model', () => {
  const blocks = readmeBlocks('Bringing a PyTorch model');
  const python = pythonChecksRun(['torch']);

  it('has a PyTorch block and an @rnn block', () => {
    expect(blocks.map((b) => b.lang)).toEqual(['python', 'ts']);
  });

  it.runIf(python)('the imported model predicts what the torch module computes', async () => {
    const dir = guideDir('rnn-readme-onnx-torch-');
    const ids = /predict\((\[\[.*?\]\])\)/.exec(blocks[1].code)![1];
    // The PyTorch block, then the module's own output on the ids the @rnn block predicts from.
    const check = `${blocks[0].code}\nimport json, sys\nprint(json.dumps(net(torch.tensor(json.loads(sys.argv[1]))).tolist()))`;
    const expected = JSON.parse(runPythonBlock(check, dir, [ids]).trim().split('\n').at(-1)!) as number[][][];
    const printed = await runTsBlock(blocks[1].code, dir, 'import');
    const ours = printed.at(-1)![0] as number[][][];
    expectClose(ours.flat(2), expected.flat(2), ORT_TOLERANCE, 'README: imported torch model against torch');
  }, PYTHON_TIMEOUT);
});
