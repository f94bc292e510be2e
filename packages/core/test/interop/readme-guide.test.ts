import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../../../test-support/temp-dirs';
import { expectClose } from '../../src/testing/compare';
import { fixture, PARITY, PYTHON, PYTHON_TIMEOUT, pythonChecksRun } from './helpers';

/**
 * Runs the code of the README's "Moving models between frameworks" from the README text, in order,
 * in one folder: Python blocks with Debian's python3 (safetensors, which Debian lacks, comes from
 * tools/interop/safetensors_shim), TypeScript blocks as modules importing `@rnn/core`. What each
 * block claims is then checked: the @rnn prediction equals the torch module's, PyTorch loads our
 * safetensors strictly, the Keras model predicts.
 */
const README = join(__dirname, '..', '..', '..', '..', 'README.md');
const TOOLS = join(__dirname, '..', '..', '..', '..', 'tools', 'interop');

interface Block {
  lang: string;
  code: string;
}

function guideBlocks(): Block[] {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf('\n## Moving models between frameworks');
  const end = text.indexOf('\n## ', start + 1);
  expect(start).toBeGreaterThan(0);
  const section = text.slice(start, end);
  return [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], code: m[2] }));
}

function runPythonBlock(code: string, cwd: string, args: string[] = []): string {
  const env = { ...process.env, PYTHONPATH: join(TOOLS, 'safetensors_shim'), PYTHONDONTWRITEBYTECODE: '1' };
  const run = spawnSync(PYTHON, ['-c', code, ...args], { cwd, env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`README Python block failed:\n${code}\n${run.error?.message ?? run.stderr}`);
  return run.stdout;
}

/** Runs a TypeScript block as a module in `cwd`; returns what it printed with console.log. */
async function runTsBlock(code: string, cwd: string, name: string): Promise<unknown[][]> {
  const file = join(cwd, `${name}.ts`);
  writeFileSync(file, code);
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const home = process.cwd();
  process.chdir(cwd);
  try {
    await import(pathToFileURL(file).href);
    return log.mock.calls;
  } finally {
    process.chdir(home);
    log.mockRestore();
  }
}

describe('README: Moving models between frameworks', () => {
  const blocks = guideBlocks();
  const python = pythonChecksRun(['torch', 'numpy']);

  it('has its blocks in the order the test runs them', () => {
    expect(blocks.map((b) => b.lang)).toEqual(['python', 'ts', 'ts', 'python', 'ts']);
  });

  it.runIf(python)('PyTorch → @rnn: the loaded model predicts what the torch module computes', async () => {
    const dir = tempDir('rnn-readme-torch-');
    runPythonBlock(blocks[0].code, dir);
    const printed = await runTsBlock(blocks[1].code, dir, 'from-torch');
    const x = /const x = (\[.*?\]);/.exec(blocks[1].code)![1];
    // The block again for its Net class, with torch.save switched off so net.pt stays the one loaded above.
    const check = [
      'import torch\ntorch.save = lambda *args, **kwargs: None',
      blocks[0].code,
      "import json, sys\nnet = Net()\nnet.load_state_dict(torch.load('net.pt'))\nprint(json.dumps(net(torch.tensor(json.loads(sys.argv[1]))).tolist()))",
    ].join('\n');
    const expected = JSON.parse(runPythonBlock(check, dir, [x])) as number[][];
    const ours = printed[0][0] as number[][];
    expectClose(ours.flat(), expected.flat(), PARITY, 'README PyTorch → @rnn');
  }, PYTHON_TIMEOUT);

  it.runIf(python)('@rnn → PyTorch: load_state_dict takes the safetensors file', async () => {
    const dir = tempDir('rnn-readme-safetensors-');
    await runTsBlock(blocks[2].code, dir, 'to-torch');
    runPythonBlock(`${blocks[3].code}\nprint(sorted(net.state_dict()))`, dir);
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
