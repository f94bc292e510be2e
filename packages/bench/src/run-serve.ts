import { join } from 'node:path';
import type { CellKind } from '@rnn/backend-api';
import type { BenchOptions } from './args';
import { writeBatch } from './batch';
import { childScript, prepareMessage } from './child-calls';
import { ChildRunner } from './child-runner';
import { type BenchBackend, type OwnBackend, SERVE_CELLS, SERVE_DIMS } from './grid';
import { type CellRun, type GridOutcome, handleChildFailure } from './outcome';
import { prepareOrtPeer, runTorchPeer } from './run-peers';
import { validateOwn } from './run-grid';
import { SERVE_REWARM_MS, SERVE_SLICES, SERVE_WARMUP_MS, type ServeStats, serveProcessPair, servePlan, sliceRatios } from './serve-stats';

/** Sequences in the serving batch file: validation compares them all, callers predict the first. */
const VALIDATED_SEQUENCES = 8;

/**
 * `--mode serve`: per served cell, validate native, fallback, PyTorch and ONNX Runtime on the same
 * weights, then give each K concurrent callers predicting one sequence `[1, 50, 64]` (H = 128) for
 * a fixed time, for every K asked.
 */
export async function runServe(
  opts: BenchOptions,
  dir: string,
  unavailable: Set<BenchBackend>,
  outcome: GridOutcome,
  log: (line: string) => void,
): Promise<void> {
  const cells = opts.cells.filter((c) => SERVE_CELLS.includes(c));
  if (cells.length === 0) outcome.skipped.push(`serve: only ${SERVE_CELLS.join(' and ')} are served`);
  for (const cell of cells) await serveCell(opts, cell, dir, unavailable, outcome, log);
}

async function serveCell(
  opts: BenchOptions,
  cell: CellKind,
  dir: string,
  unavailable: Set<BenchBackend>,
  outcome: GridOutcome,
  log: (line: string) => void,
): Promise<void> {
  const run: CellRun = {
    cell,
    config: 'serve',
    dims: { ...SERVE_DIMS, B: VALIDATED_SEQUENCES },
    batchFile: join(dir, `${cell}-serve-batch.bin`),
    weightsFile: join(dir, `${cell}-serve-weights.bin`),
    weightsWritten: false,
    tag: `[${cell}/serve]`,
  };
  writeBatch(run.batchFile, run.dims, opts.seed);
  const own = await validateOwn({ ...opts, validate: true }, run, unavailable, outcome, log);
  if (outcome.validations.some((v) => v.cell === cell && v.config === 'serve' && !v.ok)) {
    log(`${run.tag} not served: validation failed`);
    return;
  }
  const serve = { type: 'serve' as const, ...servePlan(opts.callers, opts.serveMs) };
  const add = (backend: BenchBackend, serving: ServeStats[]): void => {
    for (const s of serving) {
      outcome.serving.push({ cell, backend, ...s });
      log(`${run.tag} ${backend} ${s.callers} caller(s): ${s.throughput.toFixed(0)} seq/s, p50 ${s.p50Ms.toFixed(2)} ms, p99 ${s.p99Ms.toFixed(2)} ms`);
      const ratios = s.callers === 1 ? null : sliceRatios(serving, s.callers);
      if (ratios) log(`${run.tag} ${backend} ${s.callers} callers over 1, slice by slice: ${ratios.map((r) => `${r.toFixed(2)}×`).join(' ')}`);
    }
  };
  for (const backend of ['native', 'fallback'] as const satisfies readonly OwnBackend[]) {
    if (!opts.backends.includes(backend) || unavailable.has(backend) || !own.validations[backend]) continue;
    const child = new ChildRunner(childScript('rnn-child'), { RNN_BACKEND: backend });
    try {
      await child.prepare(prepareMessage(opts, run, false));
      add(backend, (await child.serve(serve)).serving);
    } catch (err) {
      handleChildFailure(opts, backend, err, unavailable, outcome, log);
    } finally {
      await child.close();
    }
  }
  if (opts.callers.includes(1) && opts.callers.includes(2) && opts.backends.includes('native') && !unavailable.has('native')) {
    await serveNativePair(opts, run, unavailable, outcome, log);
  }
  const ort = opts.backends.includes('onnxruntime');
  const torchWork = { modes: [], exportOnnx: ort, serve: opts.backends.includes('pytorch') ? servePlan(opts.callers, opts.serveMs) : null };
  const torch = opts.backends.includes('pytorch') || ort ? await runTorchPeer(opts, run, own.validations, torchWork, unavailable, outcome, log) : null;
  if (torch) add('pytorch', torch.serving);
  if (!ort || !torch?.onnxFile) return;
  const child = await prepareOrtPeer(opts, run, own.validations, torch.onnxFile, unavailable, outcome, log);
  if (!child) return;
  try {
    add('onnxruntime', (await child.serve(serve)).serving);
  } catch (err) {
    handleChildFailure(opts, 'onnxruntime', err, unavailable, outcome, log);
  } finally {
    await child.close();
  }
}

/**
 * Two native processes on one thread each (`RNN_NUM_THREADS=1`), one caller each, at once, against
 * one of them alone, in turns (`serveProcessPair`): what the host gives two callers that share
 * nothing, next to what one process's two callers got (bench README, "What the host gives two
 * callers").
 */
async function serveNativePair(
  opts: BenchOptions,
  run: CellRun,
  unavailable: Set<BenchBackend>,
  outcome: GridOutcome,
  log: (line: string) => void,
): Promise<void> {
  const children = [0, 1].map(() => new ChildRunner(childScript('rnn-child'), { RNN_BACKEND: 'native' }));
  try {
    for (const child of children) await child.prepare(prepareMessage({ ...opts, threads: 1 }, run, false));
    const slice = (child: ChildRunner) => async (warmupMs: number) => {
      const plan = { callers: [1], durationMs: opts.serveMs / SERVE_SLICES, warmupMs, slices: 1, rewarmMs: 0 };
      return (await child.serve({ type: 'serve', ...plan })).serving[0];
    };
    const pair = await serveProcessPair(slice(children[0]), slice(children[1]), {
      slices: SERVE_SLICES,
      warmupMs: SERVE_WARMUP_MS,
      rewarmMs: SERVE_REWARM_MS,
    });
    outcome.processPairs.push({ cell: run.cell, ...pair });
    log(
      `${run.tag} native, two processes of one thread and one caller each: ${pair.two.toFixed(0)} seq/s together, ` +
        `one alone ${pair.one.toFixed(0)}: ${(pair.two / pair.one).toFixed(2)}× (rounds ${pair.roundRatios.map((r) => `${r.toFixed(2)}×`).join(' ')})`,
    );
  } catch (err) {
    handleChildFailure(opts, 'native', err, unavailable, outcome, log);
  } finally {
    for (const child of children) await child.close();
  }
}
