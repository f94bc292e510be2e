import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CellKind } from '@rnn/backend-api';
import type { BenchOptions } from './args';
import { writeBatch } from './batch';
import { ChildError, ChildRunner } from './child-runner';
import { type Check, compareValidations } from './compare';
import {
  type BenchBackend,
  type BenchCase,
  CONFIGS,
  type ConfigName,
  type Dims,
  type Mode,
  type OwnBackend,
  caseFlops,
  peerRunsByDefault,
} from './grid';
import type { ModeTiming, PrepareMessage, PreparedMessage, ValidationOutput } from './protocol';
import { runTorch } from './torch-peer';

/** One timed case: the fields `--json` promises, plus how many repetitions and the child's start RSS. */
export interface BenchRecord extends BenchCase, Dims {
  medianMs: number;
  gflops: number;
  peakRssMb: number;
  reps: number;
  baselineRssMb: number;
}

/** Where one of our rows spent its time: mean per call, in ms. */
export interface ProfileRecord extends BenchCase {
  meanCallMs: number;
  kernelMs: Record<string, number>;
}

/** Two implementations compared on the same weights and batch before timing. */
export interface ValidationReport {
  cell: CellKind;
  config: ConfigName;
  /** The side whose numbers are the reference, and the side checked against it. */
  reference: OwnBackend;
  checked: 'fallback' | 'pytorch';
  checks: Check[];
  ok: boolean;
}

/** Everything the grid produced. */
export interface GridOutcome {
  records: BenchRecord[];
  profiles: ProfileRecord[];
  validations: ValidationReport[];
  /** Backend descriptions as the children reported them, e.g. `native (OpenBLAS 0.3.21, 2 threads)`. */
  backendDetails: Partial<Record<BenchBackend, string>>;
  /** Peers or backends that could not run, and why (not failures). */
  skipped: string[];
  /** Validation mismatches and required backends that could not run: the bench exits non-zero. */
  failures: string[];
}

const CHILD_DIR = join(__dirname, 'child');
const OWN: readonly OwnBackend[] = ['native', 'fallback'];

/** Runs the selected grid: per (config, cell) validate, then time every backend and peer. */
export async function runGrid(opts: BenchOptions, log: (line: string) => void): Promise<GridOutcome> {
  const outcome: GridOutcome = { records: [], profiles: [], validations: [], backendDetails: {}, skipped: [], failures: [] };
  const unavailable = new Set<BenchBackend>();
  const dir = mkdtempSync(join(tmpdir(), 'rnn-bench-'));
  try {
    for (const config of opts.configs) {
      for (const cell of opts.cells) {
        await runCellConfig(opts, cell, config, dir, unavailable, outcome, log);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return outcome;
}

/** Shared state of one (cell, config) while its backends run. */
interface CellRun {
  cell: CellKind;
  config: ConfigName;
  dims: Dims;
  batchFile: string;
  weightsFile: string;
  weightsWritten: boolean;
  tag: string;
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
  await runTorchPeer(opts, run, own.validations, unavailable, outcome, log);
  await timeTfjsPeers(opts, run, unavailable, outcome, log);
}

/** What validating our backends left: each one's outputs (timings included) and its baseline RSS. */
interface OwnValidation {
  validations: Partial<Record<OwnBackend, ValidationOutput>>;
  baselineRssMb: Partial<Record<OwnBackend, number>>;
}

/** 1. Validate: native and fallback on the same weights and batch (both, whichever is selected). */
async function validateOwn(
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

/** 2. Time our backends, one fresh child per mode; none where validation failed. */
async function timeOwn(
  opts: BenchOptions,
  run: CellRun,
  own: OwnValidation,
  unavailable: Set<BenchBackend>,
  outcome: GridOutcome,
  log: (line: string) => void,
): Promise<void> {
  const failedHere = outcome.validations.some((v) => v.cell === run.cell && v.config === run.config && !v.ok);
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
      await timeInChild(opts, run, backend, mode, join(CHILD_DIR, 'rnn-child.js'), { RNN_BACKEND: backend }, unavailable, outcome, log);
    }
  }
}

/** 3. PyTorch: timed, and checked against our reference on the same weights. */
async function runTorchPeer(
  opts: BenchOptions,
  run: CellRun,
  validations: OwnValidation['validations'],
  unavailable: Set<BenchBackend>,
  outcome: GridOutcome,
  log: (line: string) => void,
): Promise<void> {
  if (!opts.backends.includes('pytorch') || unavailable.has('pytorch')) return;
  const reference = validations.native ? ('native' as const) : validations.fallback ? ('fallback' as const) : null;
  const torch = await runTorch({
    cell: run.cell,
    dims: run.dims,
    modes: opts.modes,
    budget: opts.budget,
    batchFile: run.batchFile,
    weightsFile: run.weightsWritten ? run.weightsFile : null,
    validate: reference !== null,
  });
  if ('skipped' in torch) {
    unavailable.add('pytorch');
    outcome.skipped.push(`pytorch: ${torch.skipped}`);
    log(`pytorch skipped: ${torch.skipped}`);
    return;
  }
  outcome.backendDetails.pytorch = `PyTorch ${torch.torch} (${torch.threads} intra-op thread, OPENBLAS_NUM_THREADS=2)`;
  for (const t of torch.timings) addRecord(outcome, run, 'pytorch', t, torch.baselineRssMb, log);
  if (reference && torch.validation) {
    const report = record(outcome, run, reference, 'pytorch', compareValidations(validations[reference]!, torch.validation));
    log(`${run.tag} validate ${reference} vs PyTorch: ${describe(report)}`);
  }
}

/** 4. tfjs, where it fits in seconds (or everywhere with --all-peers). */
async function timeTfjsPeers(
  opts: BenchOptions,
  run: CellRun,
  unavailable: Set<BenchBackend>,
  outcome: GridOutcome,
  log: (line: string) => void,
): Promise<void> {
  for (const backend of ['tfjs-cpu', 'tfjs-wasm'] as const) {
    if (!opts.backends.includes(backend) || unavailable.has(backend)) continue;
    for (const mode of opts.modes) {
      if (!opts.allPeers && !peerRunsByDefault(backend, { cell: run.cell, config: run.config, mode })) continue;
      const env = { TFJS_BACKEND: backend === 'tfjs-wasm' ? 'wasm' : 'cpu' };
      await timeInChild(opts, run, backend, mode, join(CHILD_DIR, 'tfjs-child.js'), env, unavailable, outcome, log);
    }
  }
}

function prepareMessage(opts: BenchOptions, run: CellRun, validate: boolean): PrepareMessage {
  const role = run.weightsWritten ? 'read' : 'write';
  return {
    type: 'prepare',
    cell: run.cell,
    config: run.config,
    dims: run.dims,
    seed: opts.seed,
    threads: opts.threads,
    batchFile: run.batchFile,
    weights: { role, file: run.weightsFile },
    validate,
    gradsFile: `${run.weightsFile}.grads-${Math.random().toString(36).slice(2)}.bin`,
  };
}

/** Builds and validates one of our backends in a child; `null` when it could not run. */
async function prepareOwn(
  opts: BenchOptions,
  run: CellRun,
  backend: OwnBackend,
  unavailable: Set<BenchBackend>,
  outcome: GridOutcome,
  log: (line: string) => void,
): Promise<PreparedMessage | null> {
  const child = new ChildRunner(join(CHILD_DIR, 'rnn-child.js'), { RNN_BACKEND: backend });
  try {
    const prepared = await child.prepare(prepareMessage(opts, run, true));
    run.weightsWritten = true;
    outcome.backendDetails[backend] = prepared.backend;
    return prepared;
  } catch (err) {
    handleChildFailure(opts, backend, err, unavailable, outcome, log);
    return null;
  } finally {
    await child.close();
  }
}

/** Times one mode of one backend in a fresh child, so that its peak RSS is its own. */
async function timeInChild(
  opts: BenchOptions,
  run: CellRun,
  backend: BenchBackend,
  mode: Mode,
  script: string,
  env: Record<string, string>,
  unavailable: Set<BenchBackend>,
  outcome: GridOutcome,
  log: (line: string) => void,
): Promise<void> {
  const child = new ChildRunner(script, env);
  try {
    const prepared = await child.prepare(prepareMessage(opts, run, false));
    if (backend === 'native' || backend === 'fallback') run.weightsWritten = true;
    outcome.backendDetails[backend] = prepared.backend;
    const timed = await child.time({ type: 'time', modes: [mode], budget: opts.budget });
    for (const t of timed.timings) addRecord(outcome, run, backend, t, timed.baselineRssMb, log);
  } catch (err) {
    handleChildFailure(opts, backend, err, unavailable, outcome, log);
  } finally {
    await child.close();
  }
}

/**
 * A backend that cannot load is skipped (and the bench fails only if it was asked for by name);
 * anything else a child throws is a failure.
 */
function handleChildFailure(
  opts: BenchOptions,
  backend: BenchBackend,
  err: unknown,
  unavailable: Set<BenchBackend>,
  outcome: GridOutcome,
  log: (line: string) => void,
): void {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ChildError && err.errorName === 'NativeUnavailableError') {
    unavailable.add(backend);
    const first = message.split('\n')[0];
    if (opts.backendsExplicit && opts.backends.includes(backend)) {
      outcome.failures.push(`${backend} was requested but cannot load: ${first}`);
    } else {
      outcome.skipped.push(`${backend}: ${first}`);
    }
    log(`${backend} unavailable: ${first}`);
    return;
  }
  outcome.failures.push(`${backend} failed: ${message}`);
  log(`${backend} failed: ${message}`);
}

function addRecord(outcome: GridOutcome, run: CellRun, backend: BenchBackend, t: ModeTiming, baselineRssMb: number, log: (line: string) => void): void {
  const gflops = caseFlops(run.cell, t.mode, run.dims) / (t.medianMs * 1e6);
  outcome.records.push({
    cell: run.cell,
    config: run.config,
    mode: t.mode,
    backend,
    ...run.dims,
    medianMs: t.medianMs,
    gflops,
    peakRssMb: t.peakRssMb,
    reps: t.samplesMs.length,
    baselineRssMb,
  });
  if (t.profile) outcome.profiles.push({ cell: run.cell, config: run.config, mode: t.mode, backend, ...t.profile });
  log(`${run.tag} ${backend} ${t.mode}: ${t.medianMs.toFixed(2)} ms median of ${t.samplesMs.length}, ${gflops.toFixed(2)} GFLOP/s, peak RSS ${t.peakRssMb.toFixed(0)} MiB`);
}

function record(outcome: GridOutcome, run: CellRun, reference: OwnBackend, checked: 'fallback' | 'pytorch', checks: Check[]): ValidationReport {
  const report: ValidationReport = { cell: run.cell, config: run.config, reference, checked, checks, ok: checks.every((c) => c.ok) };
  outcome.validations.push(report);
  if (!report.ok) {
    const bad = checks.filter((c) => !c.ok).map((c) => `${c.what}: max |diff| ${c.maxAbsDiff.toExponential(2)} > ${c.tolerance.toExponential(2)}`);
    outcome.failures.push(`${run.tag} ${checked} disagrees with ${reference}: ${bad.join('; ')}`);
  }
  return report;
}

function describe(report: ValidationReport): string {
  const worst = report.checks.reduce((w, c) => (c.maxAbsDiff / (c.tolerance || 1) > w.maxAbsDiff / (w.tolerance || 1) ? c : w));
  const status = report.ok ? 'ok' : 'MISMATCH';
  return `${status} (${report.checks.length} checks; closest to its tolerance: ${worst.what} ${worst.maxAbsDiff.toExponential(2)} ≤? ${worst.tolerance.toExponential(2)})`;
}
