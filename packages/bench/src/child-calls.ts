import { extname, join } from 'node:path';
import type { BenchOptions } from './args';
import { ChildRunner } from './child-runner';
import type { BenchBackend, Mode, OwnBackend } from './grid';
import { type CellRun, type GridOutcome, addRecord, handleChildFailure } from './outcome';
import type { PrepareMessage, PreparedMessage } from './protocol';

/**
 * The file of a bench child script, next to this module: `dist/child/<name>.js` when built, the
 * TypeScript source when the bench runs from source (its tests, with a TypeScript loader in
 * `NODE_OPTIONS` that the children inherit).
 */
export function childScript(name: string): string {
  return join(__dirname, 'child', `${name}${extname(__filename)}`);
}

/** The `prepare` message of one child of `run`; our backends write the shared weights first, then read them. */
export function prepareMessage(opts: BenchOptions, run: CellRun, validate: boolean): PrepareMessage {
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

/** Keeps what a child said of its backend for the report's header. */
function noteBackend(outcome: GridOutcome, backend: BenchBackend, prepared: PreparedMessage): void {
  outcome.backendDetails[backend] = prepared.backend;
  if (prepared.cpuLevel) outcome.nativeCpuLevel = prepared.cpuLevel;
}

/** Builds and validates one of our backends in a child; `null` when it could not run. */
export async function prepareOwn(
  opts: BenchOptions,
  run: CellRun,
  backend: OwnBackend,
  unavailable: Set<BenchBackend>,
  outcome: GridOutcome,
  log: (line: string) => void,
): Promise<PreparedMessage | null> {
  const child = new ChildRunner(childScript('rnn-child'), { RNN_BACKEND: backend });
  try {
    const prepared = await child.prepare(prepareMessage(opts, run, true));
    run.weightsWritten = true;
    noteBackend(outcome, backend, prepared);
    return prepared;
  } catch (err) {
    handleChildFailure(opts, backend, err, unavailable, outcome, log);
    return null;
  } finally {
    await child.close();
  }
}

/** A fresh child of `backend`, built on the run's weights and ready to time; `null` (and closed) when it could not start. */
export async function prepareForTiming(
  opts: BenchOptions,
  run: CellRun,
  backend: BenchBackend,
  script: string,
  env: Record<string, string>,
  unavailable: Set<BenchBackend>,
  outcome: GridOutcome,
  log: (line: string) => void,
): Promise<ChildRunner | null> {
  const child = new ChildRunner(script, env);
  try {
    const prepared = await child.prepare(prepareMessage(opts, run, false));
    if (backend === 'native' || backend === 'fallback') run.weightsWritten = true;
    noteBackend(outcome, backend, prepared);
    return child;
  } catch (err) {
    handleChildFailure(opts, backend, err, unavailable, outcome, log);
    await child.close();
    return null;
  }
}

/** Times one mode of one backend in a fresh child, so that its peak RSS is its own. */
export async function timeInChild(
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
  const child = await prepareForTiming(opts, run, backend, script, env, unavailable, outcome, log);
  if (!child) return;
  try {
    const timed = await child.time({ type: 'time', modes: [mode], budget: opts.budget });
    for (const t of timed.timings) addRecord(outcome, run, backend, t, timed.baselineRssMb, log);
  } catch (err) {
    handleChildFailure(opts, backend, err, unavailable, outcome, log);
  } finally {
    await child.close();
  }
}

