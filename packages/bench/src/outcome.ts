import type { CellKind } from '@rnn/backend-api';
import type { BenchOptions } from './args';
import { ChildError } from './child-runner';
import type { Check } from './compare';
import { type BenchBackend, type BenchCase, type ConfigName, type Dims, type Mode, type OwnBackend, caseFlops } from './grid';
import type { ModeTiming } from './protocol';
import type { ProcessPairRecord, ServeRecord } from './serve-stats';

/**
 * What a bench run collects, and the helpers every part of the run records into: timed rows,
 * validation reports, skipped peers and failures.
 */

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

/** Native timed at one `RNN_NUM_THREADS`, with how many cores the process kept busy. */
export interface ThreadRecord {
  cell: CellKind;
  config: ConfigName;
  mode: Mode;
  threads: number;
  medianMs: number;
  /** Process CPU time over wall time while timing. */
  cpuPerWall: number;
}

/** Two implementations compared on the same weights and batch before timing. */
export interface ValidationReport {
  cell: CellKind;
  config: ConfigName | 'serve';
  /** The side whose numbers are the reference, and the side checked against it. */
  reference: OwnBackend;
  /** E.g. `fallback`, `pytorch`, `onnxruntime`, `native RNN_NUM_THREADS=4`. */
  checked: string;
  checks: Check[];
  ok: boolean;
}

/** Everything the grid produced. */
export interface GridOutcome {
  records: BenchRecord[];
  /** `--mode serve`: one row per (cell, backend, callers). */
  serving: ServeRecord[];
  /** `--mode serve` with 1 and 2 callers: two native processes with one caller each against one. */
  processPairs: ProcessPairRecord[];
  /** `--threads-check`: native timed with RNN_NUM_THREADS = 1, cores, 2×cores. */
  threads: ThreadRecord[];
  profiles: ProfileRecord[];
  validations: ValidationReport[];
  /** Backend descriptions as the children reported them, e.g. `native (OpenBLAS 0.3.21, 2 threads)`. */
  backendDetails: Partial<Record<BenchBackend, string>>;
  /** The native step kernels' instruction set (`backendInfo().cpu`, e.g. `avx2`), where native ran. */
  nativeCpuLevel: string | null;
  /** Peers or backends that could not run, and why (not failures). */
  skipped: string[];
  /** Validation mismatches and required backends that could not run: the bench exits non-zero. */
  failures: string[];
}

/** Shared state of one (cell, config) while its backends run. */
export interface CellRun {
  cell: CellKind;
  config: ConfigName | 'serve';
  dims: Dims;
  batchFile: string;
  weightsFile: string;
  weightsWritten: boolean;
  tag: string;
}

/**
 * A backend that cannot load is skipped (and the bench fails only if it was asked for by name);
 * anything else a child throws is a failure.
 */
export function handleChildFailure(
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

export function addRecord(outcome: GridOutcome, run: CellRun, backend: BenchBackend, t: ModeTiming, baselineRssMb: number, log: (line: string) => void): void {
  if (run.config === 'serve') throw new Error('serving runs are recorded as serving rows, not timed rows');
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

export function record(outcome: GridOutcome, run: CellRun, reference: OwnBackend, checked: string, checks: Check[]): ValidationReport {
  const report: ValidationReport = { cell: run.cell, config: run.config, reference, checked, checks, ok: checks.every((c) => c.ok) };
  outcome.validations.push(report);
  if (!report.ok) {
    const bad = checks.filter((c) => !c.ok).map((c) => `${c.what}: max |diff| ${c.maxAbsDiff.toExponential(2)} > ${c.tolerance.toExponential(2)}`);
    outcome.failures.push(`${run.tag} ${checked} disagrees with ${reference}: ${bad.join('; ')}`);
  }
  return report;
}

export function describe(report: ValidationReport): string {
  const worst = report.checks.reduce((w, c) => (c.maxAbsDiff / (c.tolerance || 1) > w.maxAbsDiff / (w.tolerance || 1) ? c : w));
  const status = report.ok ? 'ok' : 'MISMATCH';
  return `${status} (${report.checks.length} checks; closest to its tolerance: ${worst.what} ${worst.maxAbsDiff.toExponential(2)} ≤? ${worst.tolerance.toExponential(2)})`;
}
