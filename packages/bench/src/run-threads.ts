import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { BenchOptions } from './args';
import { writeBatch } from './batch';
import { childScript, prepareMessage } from './child-calls';
import { ChildRunner } from './child-runner';
import { compareValidations } from './compare';
import { type BenchBackend, CONFIGS, type ConfigName, type Mode } from './grid';
import { type CellRun, type GridOutcome, describe, handleChildFailure, record } from './outcome';
import type { ValidationOutput } from './protocol';
import { inTurn, median } from './timing';

/** The thread counts checked: one, the matching count (every core), and twice too many. */
export function checkedThreadCounts(cores = availableParallelism()): number[] {
  return [...new Set([1, cores, 2 * cores])];
}

/** The config the thread check runs on: medium when selected, else the first selected. */
function threadsConfig(opts: BenchOptions): ConfigName {
  return opts.configs.includes('medium') ? 'medium' : opts.configs[0];
}

/** Timed rounds per thread count; the rounds of the thread counts alternate. */
export const THREADS_CHECK_ROUNDS = 4;

/**
 * `--threads-check`: native, per selected cell and mode, in a child per thread count with
 * `RNN_NUM_THREADS` set (as a user sets it), all alive at once: each child's results must match the
 * one-thread child's; then the children are timed side by side, in `THREADS_CHECK_ROUNDS` rounds
 * that alternate between them (a quarter of the budget each), so that a shared machine's load
 * drifting over the check weighs on every thread count alike. A thread count's time is the median
 * of its samples over the rounds, its process CPU time over wall time the median of its rounds'.
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
    const children: { threads: number; child: ChildRunner }[] = [];
    try {
      let reference: ValidationOutput | null = null;
      for (const threads of checkedThreadCounts()) {
        const child = new ChildRunner(childScript('rnn-child'), { RNN_BACKEND: 'native', RNN_NUM_THREADS: String(threads) });
        children.push({ threads, child });
        const prepared = await child.prepare({ ...prepareMessage(opts, run, true), threads: null });
        run.weightsWritten = true;
        if (!reference) {
          reference = prepared.validation!;
          continue;
        }
        const report = record(outcome, run, 'native', `native RNN_NUM_THREADS=${threads}`, compareValidations(reference, prepared.validation!));
        log(`${run.tag} validate 1 thread vs ${threads}: ${describe(report)}`);
        if (!report.ok) {
          children.pop();
          await child.close();
        }
      }
      for (const mode of opts.modes) await timeSideBySide(opts, run, config, mode, children, outcome, log);
    } catch (err) {
      handleChildFailure(opts, 'native', err, unavailable, outcome, log);
    } finally {
      for (const { child } of children) await child.close();
    }
  }
}

/** Times `mode` in every child, round by round, the children's order reversed every other round. */
async function timeSideBySide(
  opts: BenchOptions,
  run: CellRun,
  config: ConfigName,
  mode: Mode,
  children: readonly { threads: number; child: ChildRunner }[],
  outcome: GridOutcome,
  log: (line: string) => void,
): Promise<void> {
  const budget = { ...opts.budget, budgetMs: opts.budget.budgetMs / THREADS_CHECK_ROUNDS };
  const samples = children.map(() => [] as number[]); // [child] every timed call, ms
  const cpuPerWall = children.map(() => [] as number[]); // [child] one per round
  for (let round = 0; round < THREADS_CHECK_ROUNDS; round++) {
    for (const i of inTurn(children.map((_, i) => i), round)) {
      const timed = await children[i].child.time({ type: 'time', modes: [mode], budget });
      const t = timed.timings[0];
      samples[i].push(...t.samplesMs);
      cpuPerWall[i].push(t.cpuPerWall ?? Number.NaN);
    }
  }
  children.forEach(({ threads }, i) => {
    const row = { cell: run.cell, config, mode, threads, medianMs: median(samples[i]), cpuPerWall: median(cpuPerWall[i]) };
    outcome.threads.push(row);
    log(`${run.tag} ${mode} RNN_NUM_THREADS=${threads}: ${row.medianMs.toFixed(2)} ms, CPU/wall ${row.cpuPerWall.toFixed(2)} (${THREADS_CHECK_ROUNDS} alternating rounds)`);
  });
}
