import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { Bidirectional } from '../../src/layers/bidirectional';
import { Dense } from '../../src/layers/dense';
import { Embedding } from '../../src/layers/embedding';
import { GRU } from '../../src/layers/gru';
import { LSTM } from '../../src/layers/lstm';
import { SimpleRNN } from '../../src/layers/simple-rnn';
import { Sequential } from '../../src/model/sequential';
import type { StateDictMapping } from '../../src/model/state-dict-mapping';
import { expectClose } from '../../src/testing/compare';
import { Tensor } from '../../src/tensor';

/** Where tools/interop/generate.py writes the interop fixtures. */
export const FIXTURES = join(__dirname, 'fixtures');

/** A fixture file's path. */
export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** A stored tensor: shape and flat row-major values. */
export interface StoredTensor {
  shape: number[];
  data: number[];
}

/** A stored tensor as a `Tensor`. */
export function tensor(t: StoredTensor): Tensor {
  return new Tensor(Float32Array.from(t.data), t.shape);
}

/** One case of torch-cases.json. */
export interface TorchCase {
  module: 'nested_lstm' | 'stacked_lstm' | 'bi_gru' | 'embed_rnn' | 'sequential_gru';
  dtype: string;
  keys: Record<string, number[]>;
  x: StoredTensor;
  y: StoredTensor;
}

/** torch-cases.json: the header (versions) and the cases by file stem. */
export function torchCases(): { torch: string; marker: string; cases: Record<string, TorchCase> } {
  return JSON.parse(readFileSync(fixture('torch-cases.json'), 'utf8'));
}

const I = 3;
const H = 4;
const O = 2;
const T = 5;

/**
 * The @rnn model that matches each torch module of tools/interop/torch_models.py, and the mapping
 * from the module's names to its layers.
 */
export function torchTwin(module: TorchCase['module'], units = H): { model: Sequential; mapping?: StateDictMapping } {
  const inputShape: [number, number] = [T, I];
  switch (module) {
    case 'nested_lstm':
      return { model: new Sequential([new LSTM({ units, inputShape }), new Dense({ units: O })], { seed: 1 }), mapping: { 'encoder.rnn': 0, head: 1 } };
    case 'stacked_lstm':
      return {
        model: new Sequential([new LSTM({ units, returnSequences: true, inputShape }), new LSTM({ units }), new Dense({ units: O })], { seed: 1 }),
        mapping: { rnn: [0, 1], head: 2 },
      };
    case 'bi_gru':
      return { model: new Sequential([new Bidirectional({ layer: new GRU({ units }), inputShape }), new Dense({ units: O })], { seed: 1 }), mapping: { rnn: 0, head: 1 } };
    case 'embed_rnn':
      return {
        model: new Sequential([new Embedding({ inputDim: 10, outputDim: 3, inputShape: [T] }), new SimpleRNN({ units, activation: 'relu' }), new Dense({ units: O })], { seed: 1 }),
        mapping: { embed: 0, rnn: 1, head: 2 },
      };
    case 'sequential_gru':
      return { model: new Sequential([new GRU({ units, inputShape }), new Dense({ units: O })], { seed: 1 }) };
  }
}

/** The tolerance the issue sets for loaded models against the other framework's outputs. */
export const PARITY = { atol: 1e-5, rtol: 0 };

/** Asserts `model` predicts `expected` on `x` to 1e-5 and returns the largest absolute difference. */
export async function expectPrediction(model: Sequential, x: StoredTensor, expected: StoredTensor, what: string): Promise<number> {
  const y = await model.predict(tensor(x));
  expect(y.shape).toEqual(expected.shape);
  expectClose(y.data, expected.data, PARITY, what);
  return y.data.reduce((m, v, i) => Math.max(m, Math.abs(v - expected.data[i])), 0);
}

/** Debian's Python, which has python3-torch, python3-numpy and python3-h5py (see .ci/run). */
export const PYTHON = '/usr/bin/python3';

/** Time for a test that starts Python with torch (importing torch alone takes seconds on a busy machine). */
export const PYTHON_TIMEOUT = 180_000;

/**
 * Whether the Python checks run: when /usr/bin/python3 imports `modules`, and always in CI
 * (`CI=true`), where a missing Python or module must fail the test, not skip it.
 */
export function pythonChecksRun(modules: string[]): boolean {
  if (process.env.CI === 'true') return true;
  const probe = spawnSync(PYTHON, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore' });
  return probe.status === 0;
}

/** Runs a script of tools/interop with `args`; returns its stdout parsed as JSON (stderr on failure). */
export function runPython(script: string, args: string[]): unknown {
  const path = join(__dirname, '..', '..', '..', '..', 'tools', 'interop', script);
  const run = spawnSync(PYTHON, [path, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  if (run.error) throw new Error(`cannot run ${PYTHON} ${script}: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`${PYTHON} ${script} failed (status ${run.status}):\n${run.stderr}`);
  return JSON.parse(run.stdout);
}
