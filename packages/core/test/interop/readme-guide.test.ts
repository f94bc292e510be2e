import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test-support/temp-dirs';
import { expectClose } from '../../src/testing/compare';
import { readmeBlocks, runPythonBlock, runTsBlock } from '../readme-blocks';
import { fixture, PARITY, PYTHON_TIMEOUT, pythonChecksRun } from './helpers';

/**
 * Runs the code of the README's "Moving models between frameworks" from the README text, in order,
 * in one folder: Python blocks with Debian's python3 (safetensors, which Debian lacks, comes from
 * tools/interop/safetensors_shim), TypeScript blocks as modules importing `@rnn/core`. What each
 * block claims is then checked: the @rnn prediction equals the torch module's, PyTorch loads our
 * safetensors strictly, the Keras model predicts.
 */
const TOOLS = join(__dirname, '..', '..', '..', '..', 'tools', 'interop');
/** Debian has no python3-safetensors: the guide's `safetensors.torch` comes from a shim. */
const SHIM = { PYTHONPATH: join(TOOLS, 'safetensors_shim') };

describe('README: Moving models between frameworks', () => {
  const blocks = readmeBlocks('Moving models between frameworks');
  const python = pythonChecksRun(['torch', 'numpy']);

  it('has its blocks in the order the test runs them', () => {
    expect(blocks.map((b) => b.lang)).toEqual(['python', 'ts', 'ts', 'python', 'ts']);
  });

  it.runIf(python)('PyTorch → @rnn: the loaded model predicts what the torch module computes', async () => {
    const dir = tempDir('rnn-readme-torch-');
    runPythonBlock(blocks[0].code, dir, [], SHIM);
    const printed = await runTsBlock(blocks[1].code, dir, 'from-torch');
    const x = /const x = (\[.*?\]);/.exec(blocks[1].code)![1];
    // The block again for its Net class, with torch.save switched off so net.pt stays the one loaded above.
    const check = [
      'import torch\ntorch.save = lambda *args, **kwargs: None',
      blocks[0].code,
      "import json, sys\nnet = Net()\nnet.load_state_dict(torch.load('net.pt'))\nprint(json.dumps(net(torch.tensor(json.loads(sys.argv[1]))).tolist()))",
    ].join('\n');
    const expected = JSON.parse(runPythonBlock(check, dir, [x], SHIM)) as number[][];
    const ours = printed[0][0] as number[][];
    expectClose(ours.flat(), expected.flat(), PARITY, 'README PyTorch → @rnn');
  }, PYTHON_TIMEOUT);

  it.runIf(python)('@rnn → PyTorch: load_state_dict takes the safetensors file', async () => {
    const dir = tempDir('rnn-readme-safetensors-');
    await runTsBlock(blocks[2].code, dir, 'to-torch');
    runPythonBlock(`${blocks[3].code}\nprint(sorted(net.state_dict()))`, dir, [], SHIM);
  }, PYTHON_TIMEOUT);

  it('Keras → @rnn: importKeras builds the model and predicts', async () => {
    const dir = tempDir('rnn-readme-keras-');
    copyFileSync(fixture('tutorial_stock.keras'), join(dir, 'model.keras')); // what Keras 3 saves for the tutorial's model
    const printed = await runTsBlock(blocks[4].code, dir, 'from-keras');
    const prediction = printed.at(-1)![0] as number[][];
    expect(prediction.length).toBe(1);
    expect(prediction[0].length).toBe(1);
    expect(Number.isFinite(prediction[0][0])).toBe(true);
  });
});
