import type { CellKind } from '@rnn/backend-api';
import type { ConfigName, Dims, Mode } from './grid';
import type { ServePlan, ServeStats } from './serve-stats';
import type { TimingBudget } from './timing';

/**
 * Messages between the bench and its child processes (Node IPC). A child runs one backend on one
 * (cell, config): it prepares the model, then either validates it or times one mode. Timing runs
 * in a fresh child per mode, so each mode's peak RSS is its own. Children run one after another,
 * never concurrently: the machine's cores are shared.
 */

/** Asks a child to build its model on the shared batch and weights. */
export interface PrepareMessage {
  type: 'prepare';
  cell: CellKind;
  config: ConfigName | 'serve';
  dims: Dims;
  seed: number;
  /**
   * Math threads for the backend (native: `setNumThreads`; onnxruntime: intra-op threads); `null`
   * leaves the backend's default (`RNN_NUM_THREADS`, else every core).
   */
  threads: number | null;
  /** Bundle file with the shared batch: `x [B, T, I]` and `y [B, 1]`, written by the parent. */
  batchFile: string;
  /**
   * Our backends' weights, as a stateDict bundle. `write`: initialise from `seed`, then write them
   * to `file`; `read`: load them from `file` (written by the first child of this cell and config).
   * Peers ignore it.
   */
  weights: { role: 'write' | 'read'; file: string };
  /** Run the validation pass (predict, two training steps, gradients) and report it. */
  validate: boolean;
  /** Where to write the first training step's parameter gradients, when validating. */
  gradsFile: string;
  /** The onnxruntime peer: the graph `torch.onnx.export` wrote for these weights. */
  onnxFile?: string;
}

/** What a validating child computed on the shared batch and weights. */
export interface ValidationOutput {
  /** [B, 1] predictions before any training step. */
  prediction: number[];
  /**
   * Loss of the first `trainOnBatch`; when the trainer does not keep gradients after the step,
   * also the second step's (it sees the Adam-updated weights, so it covers the gradients).
   */
  losses: number[];
  /** File with the first step's gradients per parameter, or `null` if the trainer does not keep them. */
  gradsFile: string | null;
  /**
   * The validation's own `predict` and first `trainOnBatch`, timed once each, with peak RSS and
   * kernel profile. A call this slow (twice the timing budget or more) is not timed again: a fresh
   * child would spend the same seconds to get the same single sample.
   */
  timings: ModeTiming[];
}

/** The child built its model (and validated it when asked). */
export interface PreparedMessage {
  type: 'prepared';
  /** The backend as `backendInfo()` describes it, e.g. `native (OpenBLAS 0.3.21, 2 threads, avx2)`. */
  backend: string;
  /** Native only: the instruction set its step kernels run with, `backendInfo().cpu` (e.g. `avx2`). */
  cpuLevel?: string;
  /** The child's RSS right after start-up, before any model existed, MiB. */
  baselineRssMb: number;
  validation: ValidationOutput | null;
}

/** Asks a child to time the given modes, in order. */
export interface TimeMessage {
  type: 'time';
  modes: Mode[];
  budget: TimingBudget;
}

/** One timed mode, measured inside the child. */
export interface ModeTiming {
  mode: Mode;
  medianMs: number;
  samplesMs: number[];
  /** Peak RSS of the child after this mode ran (monotonic across modes), MiB. */
  peakRssMb: number;
  /** Process CPU time over wall time across the warm-up and timed calls (our backends): ~1 is one core busy. */
  cpuPerWall?: number;
  /**
   * Where the time went (our backends only): mean wall time per call spent in each kernel over
   * the timed calls, e.g. `{ lstmForwardAsync: 3.1, gemm: 0.2 }`, and the mean call time they are
   * part of. The rest is JavaScript around the kernels (layout, loss, optimizer, checks).
   */
  profile?: { meanCallMs: number; kernelMs: Record<string, number> };
}

/** The timings, plus the child's RSS right after start-up (before any model existed). */
export interface TimedMessage {
  type: 'timed';
  baselineRssMb: number;
  timings: ModeTiming[];
}

/**
 * Asks a child to serve the plan: for each K in `callers`, K concurrent one-sequence predictions,
 * the K taking turns in slices (`serveInTurns`).
 */
export interface ServeMessage extends ServePlan {
  type: 'serve';
}

/** One `ServeStats` per K, in the order asked. */
export interface ServedMessage {
  type: 'served';
  serving: ServeStats[];
}

/** Tells a child to exit. */
export interface ExitMessage {
  type: 'exit';
}

/** A child failed; the bench reports it and carries on or fails, depending on what failed. */
export interface ErrorMessage {
  type: 'error';
  /** Error class name, e.g. `NativeUnavailableError`. */
  name: string;
  message: string;
}

/** Parent → child. */
export type ToChild = PrepareMessage | TimeMessage | ServeMessage | ExitMessage;

/** Child → parent. */
export type FromChild = PreparedMessage | TimedMessage | ServedMessage | ErrorMessage;
