import { type BenchOptions, benchThreads } from './args';
import { childScript, prepareForTiming, prepareMessage, timeInChild } from './child-calls';
import { ChildRunner } from './child-runner';
import { compareValidations } from './compare';
import { type BenchBackend, type Mode, type OwnBackend, peerRunsByDefault } from './grid';
import { type CellRun, type GridOutcome, addRecord, describe, handleChildFailure, record } from './outcome';
import { PairedTimingError, timePaired } from './paired-timing';
import { findRecord } from './runs';
import type { PreparedMessage, ValidationOutput } from './protocol';
import type { ServePlan, ServeStats } from './serve-stats';
import { runTorch } from './torch-peer';

/** Our backends' validation outputs of one (cell, config), the references peers are checked against. */
export type OwnValidations = Partial<Record<OwnBackend, ValidationOutput>>;

/** The validated backend peers are checked against: native where it ran, else the fallback. */
export function referenceOf(validations: OwnValidations): OwnBackend | null {
  return validations.native ? 'native' : validations.fallback ? 'fallback' : null;
}

/** What the PyTorch script is asked to do for one (cell, config) besides validating. */
export interface TorchWork {
  /** Modes to time (none when PyTorch itself is not selected, only its ONNX export is wanted). */
  modes: Mode[];
  /** Export the validated weights to ONNX for the onnxruntime peer. */
  exportOnnx: boolean;
  /** Serving runs, one per K. */
  serve: ServePlan | null;
}

/** What the PyTorch run left for the other peers: the exported graph and its serving runs. */
export interface TorchLeft {
  onnxFile: string | null;
  serving: ServeStats[];
}

/**
 * 3. PyTorch: timed, and checked against our reference on the same weights; it also writes the
 * onnxruntime peer's graph from those weights. `null` when torch cannot run.
 */
export async function runTorchPeer(
  opts: BenchOptions,
  run: CellRun,
  validations: OwnValidations,
  work: TorchWork,
  unavailable: Set<BenchBackend>,
  outcome: GridOutcome,
  log: (line: string) => void,
): Promise<TorchLeft | null> {
  if (unavailable.has('pytorch')) return null;
  const reference = referenceOf(validations);
  const onnxFile = work.exportOnnx && reference ? `${run.weightsFile}.onnx` : null;
  const blasThreads = benchThreads(opts);
  const torch = await runTorch({
    cell: run.cell,
    dims: run.dims,
    modes: work.modes,
    budget: opts.budget,
    batchFile: run.batchFile,
    weightsFile: run.weightsWritten ? run.weightsFile : null,
    validate: reference !== null,
    onnxFile,
    serve: work.serve,
  }, blasThreads);
  if ('skipped' in torch) {
    unavailable.add('pytorch');
    outcome.skipped.push(`pytorch: ${torch.skipped}`);
    log(`pytorch skipped: ${torch.skipped}`);
    return null;
  }
  outcome.backendDetails.pytorch =
    `PyTorch ${torch.torch} (${torch.threads} intra-op thread, OPENBLAS_NUM_THREADS=${blasThreads}, the bench's thread count; serving: one thread per caller)`;
  for (const t of torch.timings) addRecord(outcome, run, 'pytorch', t, torch.baselineRssMb, log);
  if (reference && torch.validation) {
    const report = record(outcome, run, reference, 'pytorch', compareValidations(validations[reference]!, torch.validation));
    log(`${run.tag} validate ${reference} vs PyTorch: ${describe(report)}`);
    if (!report.ok) return { onnxFile: null, serving: [] };
  }
  return { onnxFile, serving: torch.serving };
}

/**
 * Starts the onnxruntime peer on the graph torch exported and checks its predictions against our
 * reference. Resolves the prepared child (the caller times or serves it, then closes it), or `null`
 * when it could not run or disagreed (a failure then).
 */
export async function prepareOrtPeer(
  opts: BenchOptions,
  run: CellRun,
  validations: OwnValidations,
  onnxFile: string,
  unavailable: Set<BenchBackend>,
  outcome: GridOutcome,
  log: (line: string) => void,
): Promise<ChildRunner | null> {
  const reference = referenceOf(validations);
  if (!reference || unavailable.has('onnxruntime')) return null;
  const child = new ChildRunner(childScript('ort-child'), { ORT_DISABLE_TELEMETRY: '1' });
  let prepared: PreparedMessage;
  try {
    prepared = await child.prepare({ ...prepareMessage(opts, run, true), threads: opts.ortThreads, onnxFile });
  } catch (err) {
    await child.close();
    handleChildFailure(opts, 'onnxruntime', err, unavailable, outcome, log);
    return null;
  }
  outcome.backendDetails.onnxruntime = prepared.backend;
  const report = record(outcome, run, reference, 'onnxruntime', compareValidations(validations[reference]!, prepared.validation!));
  log(`${run.tag} validate ${reference} vs ONNX Runtime: ${describe(report)}`);
  if (report.ok) return child;
  await child.close();
  return null;
}

/**
 * Whether native's inference waits to be timed beside ONNX Runtime's (timeOrtPeer) instead of on its
 * own: when both run and infer is timed.
 */
export function nativeInferPairsWithOrt(opts: BenchOptions, unavailable: ReadonlySet<BenchBackend>): boolean {
  return opts.modes.includes('infer') && opts.backends.includes('onnxruntime') && opts.backends.includes('native') && !unavailable.has('native');
}

/**
 * Whether `run`'s native inference still waits to be timed: it pairs with ONNX Runtime and has no
 * row yet (a call of twice the budget or more keeps its validation sample: timeOwn).
 */
export function nativeInferPending(opts: BenchOptions, run: CellRun, unavailable: ReadonlySet<BenchBackend>, outcome: GridOutcome): boolean {
  if (run.config === 'serve' || !nativeInferPairsWithOrt(opts, unavailable)) return false;
  return !findRecord(outcome.records, { cell: run.cell, config: run.config, mode: 'infer', backend: 'native' });
}

/**
 * 4. ONNX Runtime: validated, then `predict` of the batch timed (inference only). Where native's
 * inference waited for it (nativeInferPending), the two are timed in alternating slices of the
 * budget (timePaired), so that the inference line compares them at the same machine speed.
 */
export async function timeOrtPeer(
  opts: BenchOptions,
  run: CellRun,
  validations: OwnValidations,
  onnxFile: string | null,
  unavailable: Set<BenchBackend>,
  outcome: GridOutcome,
  log: (line: string) => void,
): Promise<void> {
  if (!onnxFile || !opts.modes.includes('infer')) return;
  const child = await prepareOrtPeer(opts, run, validations, onnxFile, unavailable, outcome, log);
  if (!child) return;
  const native = nativeInferPending(opts, run, unavailable, outcome)
    ? await prepareForTiming(opts, run, 'native', childScript('rnn-child'), { RNN_BACKEND: 'native' }, unavailable, outcome, log)
    : null;
  try {
    if (native) {
      const paired = await timePaired(native, child, 'infer', opts.budget);
      addRecord(outcome, run, 'native', paired.first.timing, paired.first.baselineRssMb, log);
      addRecord(outcome, run, 'onnxruntime', paired.second.timing, paired.second.baselineRssMb, log);
      log(`${run.tag} native infer vs ONNX Runtime, slice by slice: ${paired.sliceRatios.map((r) => `${(1 / r).toFixed(2)}×`).join(' ')}`);
    } else {
      const timed = await child.time({ type: 'time', modes: ['infer'], budget: opts.budget });
      for (const t of timed.timings) addRecord(outcome, run, 'onnxruntime', t, timed.baselineRssMb, log);
    }
  } catch (err) {
    const failed = err instanceof PairedTimingError ? (err.side === 0 ? 'native' : 'onnxruntime') : 'onnxruntime';
    handleChildFailure(opts, failed, err instanceof PairedTimingError ? err.failure : err, unavailable, outcome, log);
  } finally {
    await child.close();
    await native?.close();
  }
}

/** 5. tfjs, where it fits in seconds (or everywhere with --all-peers). */
export async function timeTfjsPeers(
  opts: BenchOptions,
  run: CellRun,
  unavailable: Set<BenchBackend>,
  outcome: GridOutcome,
  log: (line: string) => void,
): Promise<void> {
  if (run.config === 'serve') return;
  for (const backend of ['tfjs-cpu', 'tfjs-wasm'] as const) {
    if (!opts.backends.includes(backend) || unavailable.has(backend)) continue;
    for (const mode of opts.modes) {
      if (!opts.allPeers && !peerRunsByDefault(backend, { cell: run.cell, config: run.config, mode })) continue;
      const env = { TFJS_BACKEND: backend === 'tfjs-wasm' ? 'wasm' : 'cpu' };
      await timeInChild(opts, run, backend, mode, childScript('tfjs-child'), env, unavailable, outcome, log);
    }
  }
}
