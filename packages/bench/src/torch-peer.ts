import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { CellKind } from '@rnn/backend-api';
import type { Dims, Mode } from './grid';
import type { ModeTiming } from './protocol';
import type { ServePlan, ServeStats } from './serve-stats';
import type { TimingBudget } from './timing';

/** The Python interpreter with Debian's python3-torch. */
const PYTHON = '/usr/bin/python3';

/** What `python/torch_bench.py` prints. */
export interface TorchOutput {
  torch: string;
  threads: number;
  baselineRssMb: number;
  timings: ModeTiming[];
  /** Prediction and two training losses on our weights, when asked and weights were given. */
  validation: { prediction: number[]; losses: number[] } | null;
  /** One serving run per K asked for in `serve`. */
  serving: ServeStats[];
}

/** What to run in PyTorch for one cell and config. */
export interface TorchSpec {
  cell: CellKind;
  dims: Dims;
  modes: Mode[];
  budget: TimingBudget;
  batchFile: string;
  weightsFile: string | null;
  validate: boolean;
  /** Where to write `torch.onnx.export` of the loaded weights, for the onnxruntime peer. */
  onnxFile: string | null;
  /** K Python threads predicting one sequence each, for `warmupMs` untimed then `durationMs`, per K. */
  serve: ServePlan | null;
}

/**
 * Runs the PyTorch peer with one intra-op thread and `OPENBLAS_NUM_THREADS=blasThreads` (the bench's
 * thread count, so its GEMMs get the cores native gets). Resolves `{ skipped }` when `import torch`
 * fails (exit code 3) or Python is missing; rejects on any other failure, which is a bench bug.
 */
export function runTorch(spec: TorchSpec, blasThreads: number): Promise<TorchOutput | { skipped: string }> {
  const script = join(__dirname, '..', 'python', 'torch_bench.py');
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [script, JSON.stringify(spec)], {
      env: { ...process.env, OPENBLAS_NUM_THREADS: String(blasThreads), OMP_NUM_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => resolve({ skipped: `cannot run ${PYTHON}: ${err.message}` }));
    child.on('close', (code) => {
      if (code === 3) resolve({ skipped: stderr.trim() || 'import torch failed' });
      else if (code !== 0) reject(new Error(`PyTorch peer failed (exit ${code}):\n${stderr}`));
      else resolve(JSON.parse(stdout) as TorchOutput);
    });
  });
}
