import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { BenchOptions } from './args';
import { writeBatch } from './batch';
import { childScript, prepareMessage } from './child-calls';
import { ChildRunner } from './child-runner';
import { compareValidations } from './compare';
import { type BenchBackend, CONFIGS, type ConfigName } from './grid';
import { type CellRun, type GridOutcome, describe, handleChildFailure, record } from './outcome';
import type { ValidationOutput } from './protocol';

/** The thread counts checked: one, the matching count (every core), and twice too many. */
export function checkedThreadCounts(cores = availableParallelism()): number[] {
  return [...new Set([1, cores, 2 * cores])];
}

/** The config the thread check runs on: medium when selected, else the first selected. */
function threadsConfig(opts: BenchOptions): ConfigName {
  return opts.configs.includes('medium') ? 'medium' : opts.configs[0];
}

/**
 * `--threads-check`: native, per selected cell and mode, in a fresh child per thread count with
 * `RNN_NUM_THREADS` set (as a user sets it): its results must match the one-thread run's, then
 * its time and its process CPU time over wall time are recorded.
 */
export async function runThreadsCheck(
  opts: BenchOptions,
  dir: string,
  unavailable: Set<BenchBackend>,
  outcome: GridOutcome,
  log: (line: string) => void,
): Promise<void> {
  if (unavailable.has('native')) return;
  const config = threadsConfig(opts);
  for (const cell of opts.cells) {
    const run: CellRun = {
      cell,
      config,
      dims: CONFIGS[config],
      batchFile: join(dir, `${cell}-${config}-threads-batch.bin`),
      weightsFile: join(dir, `${cell}-${config}-threads-weights.bin`),
      weightsWritten: false,
      tag: `[${cell}/${config} threads]`,
    };
    writeBatch(run.batchFile, run.dims, opts.seed);
    let reference: ValidationOutput | null = null;
    for (const threads of checkedThreadCounts()) {
      const child = new ChildRunner(childScript('rnn-child'), { RNN_BACKEND: 'native', RNN_NUM_THREADS: String(threads) });
      try {
        const prepared = await child.prepare({ ...prepareMessage(opts, run, true), threads: null });
        run.weightsWritten = true;
        if (!reference) reference = prepared.validation!;
        else {
          const report = record(outcome, run, 'native', `native RNN_NUM_THREADS=${threads}`, compareValidations(reference, prepared.validation!));
          log(`${run.tag} validate 1 thread vs ${threads}: ${describe(report)}`);
          if (!report.ok) continue;
        }
        const timed = await child.time({ type: 'time', modes: opts.modes, budget: opts.budget });
        for (const t of timed.timings) {
          outcome.threads.push({ cell, config, mode: t.mode, threads, medianMs: t.medianMs, cpuPerWall: t.cpuPerWall ?? Number.NaN });
          log(`${run.tag} ${t.mode} RNN_NUM_THREADS=${threads}: ${t.medianMs.toFixed(2)} ms, CPU/wall ${(t.cpuPerWall ?? Number.NaN).toFixed(2)}`);
        }
      } catch (err) {
        handleChildFailure(opts, 'native', err, unavailable, outcome, log);
      } finally {
        await child.close();
      }
    }
  }
}
