import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CellKind } from '@rnn/backend-api';
import type { BenchOptions } from './args';
import { writeBatch } from './batch';
import { childScript, prepareOwn, timeInChild } from './child-calls';
import { compareValidations } from './compare';
import { type BenchBackend, CONFIGS, type ConfigName, type OwnBackend } from './grid';
import { type CellRun, type GridOutcome, addRecord, describe, record } from './outcome';
import { type OwnValidations, nativeInferPairsWithOrt, nativeInferPending, runTorchPeer, timeOrtPeer, timeTfjsPeers } from './run-peers';
import { runServe } from './run-serve';
import { runThreadsCheck } from './run-threads';

export type { BenchRecord, GridOutcome, ProfileRecord, ValidationReport } from './outcome';

const OWN: readonly OwnBackend[] = ['native', 'fallback'];

/**
 * Runs the selected grid: per (config, cell) validate, then time every backend and peer; then the
 * serving runs when `--mode serve` is on.
 */
export async function runGrid(opts: BenchOptions, log: (line: string) => void): Promise<GridOutcome> {
  const outcome: GridOutcome = { records: [], serving: [], processPairs: [], threads: [], profiles: [], validations: [], backendDetails: {}, nativeCpuLevel: null, skipped: [], failures: [] };
  const unavailable = new Set<BenchBackend>();
  const dir = mkdtempSync(join(tmpdir(), 'rnn-bench-'));
  try {
    // `--mode serve` alone times nothing in the grid.
    for (const config of opts.modes.length > 0 ? opts.configs : []) {
      for (const cell of opts.cells) {
        await runCellConfig(opts, cell, config, dir, unavailable, outcome, log);
      }
    }
    if (opts.serve) await runServe(opts, dir, unavailable, outcome, log);
    if (opts.threadsCheck) await runThreadsCheck(opts, dir, unavailable, outcome, log);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return outcome;
}

async function runCellConfig(
  opts: BenchOptions,
  cell: CellKind,
  config: ConfigName,
  dir: string,
  unavailable: Set<BenchBackend>,
  outcome: GridOutcome,
  log: (line: string) => void,
): Promise<void> {
  const dims = CONFIGS[config];
  const run: CellRun = {
    cell,
    config,
    dims,
    batchFile: join(dir, `${cell}-${config}-batch.bin`),
    weightsFile: join(dir, `${cell}-${config}-weights.bin`),
    weightsWritten: false,
    tag: `[${cell}/${config}]`,
  };
  writeBatch(run.batchFile, dims, opts.seed);
  const own = await validateOwn(opts, run, unavailable, outcome, log);
  await timeOwn(opts, run, own, unavailable, outcome, log);
  const ort = opts.backends.includes('onnxruntime') && opts.modes.includes('infer');
  const torchWork = { modes: opts.backends.includes('pytorch') ? opts.modes : [], exportOnnx: ort, serve: null };
  const torch = opts.backends.includes('pytorch') || ort ? await runTorchPeer(opts, run, own.validations, torchWork, unavailable, outcome, log) : null;
  if (ort && !torch?.onnxFile) log(`${run.tag} onnxruntime: not run, it needs the graph the PyTorch peer exports from validated weights`);
  await timeOrtPeer(opts, run, own.validations, torch?.onnxFile ?? null, unavailable, outcome, log);
  await timeNativeInferLeft(opts, run, unavailable, outcome, log);
  await timeTfjsPeers(opts, run, unavailable, outcome, log);
}

/**
 * Native's inference when it waited to be timed beside ONNX Runtime's and that did not happen (the
 * peer could not run, or disagreed): timed on its own, as every other row.
 */
async function timeNativeInferLeft(
  opts: BenchOptions,
  run: CellRun,
  unavailable: Set<BenchBackend>,
  outcome: GridOutcome,
  log: (line: string) => void,
): Promise<void> {
  if (!nativeInferPending(opts, run, unavailable, outcome) || ownValidationFailed(run, outcome)) return;
  await timeInChild(opts, run, 'native', 'infer', childScript('rnn-child'), { RNN_BACKEND: 'native' }, unavailable, outcome, log);
}

/** What validating our backends left: each one's outputs (timings included) and its baseline RSS. */
export interface OwnValidation {
  validations: OwnValidations;
  baselineRssMb: Partial<Record<OwnBackend, number>>;
}

/** 1. Validate: native and fallback on the same weights and batch (both, whichever is selected). */
export async function validateOwn(
  opts: BenchOptions,
  run: CellRun,
  unavailable: Set<BenchBackend>,
  outcome: GridOutcome,
  log: (line: string) => void,
): Promise<OwnValidation> {
  const own: OwnValidation = { validations: {}, baselineRssMb: {} };
  if (!opts.validate) return own;
  for (const backend of OWN) {
    if (unavailable.has(backend)) continue;
    const out = await prepareOwn(opts, run, backend, unavailable, outcome, log);
    if (out?.validation) {
      own.validations[backend] = out.validation;
      own.baselineRssMb[backend] = out.baselineRssMb;
    }
  }
  const { native, fallback } = own.validations;
  if (native && fallback) {
    const report = record(outcome, run, 'native', 'fallback', compareValidations(native, fallback));
    log(`${run.tag} validate native vs fallback: ${describe(report)}`);
  }
  return own;
}

/** Whether native and the fallback disagreed on `run` (a peer's disagreement is the peer's). */
function ownValidationFailed(run: CellRun, outcome: GridOutcome): boolean {
  return outcome.validations.some((v) => v.cell === run.cell && v.config === run.config && v.checked === 'fallback' && !v.ok);
}

/** 2. Time our backends, one fresh child per mode; none where validation failed. */
async function timeOwn(
  opts: BenchOptions,
  run: CellRun,
  own: OwnValidation,
  unavailable: Set<BenchBackend>,
  outcome: GridOutcome,
  log: (line: string) => void,
): Promise<void> {
  const failedHere = ownValidationFailed(run, outcome);
  for (const backend of OWN) {
    if (!opts.backends.includes(backend) || unavailable.has(backend)) continue;
    if (failedHere) {
      log(`${run.tag} ${backend}: not timed, validation failed`);
      continue;
    }
    for (const mode of opts.modes) {
      // A call of twice the budget or more was timed once by validation: keep that sample. It was
      // the process's first call, but at seconds per call JIT and first-touch costs are noise.
      const validated = own.validations[backend]?.timings.find((t) => t.mode === mode);
      if (validated && validated.medianMs >= 2 * opts.budget.budgetMs) {
        addRecord(outcome, run, backend, validated, own.baselineRssMb[backend] ?? 0, log);
        continue;
      }
      if (backend === 'native' && mode === 'infer' && nativeInferPairsWithOrt(opts, unavailable)) continue;  // timeOrtPeer
      await timeInChild(opts, run, backend, mode, childScript('rnn-child'), { RNN_BACKEND: backend }, unavailable, outcome, log);
    }
  }
}

