import type { CellKind } from '@rnn/backend-api';
import type { BenchBackend } from './grid';
import { inTurn } from './timing';

/** One serving run: K callers predicting one sequence each, back to back, for a fixed time (in slices). */
export interface ServeStats {
  callers: number;
  /** Predictions completed by all callers together. */
  sequences: number;
  /** Timed wall time, from each slice's first call to its last caller's end, summed, in s. */
  seconds: number;
  /** Sequences per second, all callers together. */
  throughput: number;
  /** Latency of one prediction (call to result), median and 99th percentile, in ms. */
  p50Ms: number;
  p99Ms: number;
  /** Throughput of each timed slice, in the order served, in sequences/s (`serveInTurns`). */
  sliceThroughputs: number[];
}

/** A serving row of the report. */
export interface ServeRecord extends ServeStats {
  cell: CellKind;
  backend: BenchBackend;
}

/** Nearest-rank percentile (`q` in 0–100) of a non-empty list; the Python peer computes it the same way. */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((sorted.length * q) / 100));
  return sorted[rank - 1];
}

/**
 * Untimed serving before the first timed slice of each K, with the run's own K callers: the steady
 * state a server reaches (V8's optimised code for the concurrent path, the backend's pools), as the
 * grid's modes warm up before they are timed. With one warm-up call instead, a 5 s two-caller run
 * started with the batching code unoptimised and V8's compiler threads taking the core the second
 * row waited for (bench README, "The serving warm-up").
 */
export const SERVE_WARMUP_MS = 1000;

/**
 * Slices each K's timed serving is cut into, the K taking turns slice by slice (the first K leads
 * the even slices, the last K the odd ones), so that every K meets the same drift of a shared
 * host's speed. Timed one K after the other, the same one-caller GRU serving took its kernel in
 * 163 µs in one 3 s stretch and in 207 µs in the next (bench README, "Serving in turns").
 */
export const SERVE_SLICES = 6;

/**
 * Untimed serving with a slice's own K just before it is timed, after the other K's slice: the
 * batcher, the executors' spinning and the caller loops settle into that K's steady state.
 */
export const SERVE_REWARM_MS = 100;

/** What a serving run does: the K's to serve and how long, the same for every peer. */
export interface ServePlan {
  /** Concurrent callers of each run, in the order reported. */
  callers: number[];
  /** Timed serving per K, summed over its slices, in ms. */
  durationMs: number;
  /** Untimed serving per K before its first slice, in ms. */
  warmupMs: number;
  /** Slices per K (`SERVE_SLICES`). */
  slices: number;
  /** Untimed serving before every slice (`SERVE_REWARM_MS`), in ms. */
  rewarmMs: number;
}

/** The plan the bench serves with: `durationMs` per K, the default warm-ups and slices. */
export function servePlan(callers: number[], durationMs: number): ServePlan {
  return { callers, durationMs, warmupMs: SERVE_WARMUP_MS, slices: SERVE_SLICES, rewarmMs: SERVE_REWARM_MS };
}

/**
 * Serves `plan`: each K's callers untimed for `warmupMs`, then `slices` rounds in which every K
 * serves untimed for `rewarmMs` and timed for `durationMs / slices`, the K taking turns (a call
 * started before a slice's deadline finishes and counts; each caller makes at least one call in
 * every phase). Each K's slices are pooled: sequences over seconds, latencies together.
 */
export async function serveInTurns(predictOne: () => Promise<unknown>, plan: ServePlan): Promise<ServeStats[]> {
  const runs = plan.callers.map((callers) => ({ callers, latencies: [] as number[], seconds: 0, sliceThroughputs: [] as number[] }));
  for (const run of runs) await callUntil(predictOne, run.callers, performance.now() + plan.warmupMs, null);
  const sliceMs = plan.durationMs / plan.slices;
  for (let slice = 0; slice < plan.slices; slice++) {
    for (const run of inTurn(runs, slice)) {
      if (plan.rewarmMs > 0) await callUntil(predictOne, run.callers, performance.now() + plan.rewarmMs, null);
      const before = run.latencies.length;
      const start = performance.now();
      await callUntil(predictOne, run.callers, start + sliceMs, run.latencies);
      const seconds = (performance.now() - start) / 1000;
      run.seconds += seconds;
      run.sliceThroughputs.push((run.latencies.length - before) / seconds);
    }
  }
  return runs.map((run) => ({
    callers: run.callers,
    sequences: run.latencies.length,
    seconds: run.seconds,
    throughput: run.latencies.length / run.seconds,
    p50Ms: percentile(run.latencies, 50),
    p99Ms: percentile(run.latencies, 99),
    sliceThroughputs: run.sliceThroughputs,
  }));
}

/**
 * Each slice's throughput of the run with `callers` over that of one caller in the same round, or
 * null when either is missing: the ratio as the host's speed was during that round.
 */
export function sliceRatios(serving: readonly ServeStats[], callers: number): number[] | null {
  const top = serving.find((s) => s.callers === callers);
  const bottom = serving.find((s) => s.callers === 1);
  if (!top || !bottom || top.sliceThroughputs.length !== bottom.sliceThroughputs.length) return null;
  return top.sliceThroughputs.map((t, i) => t / bottom.sliceThroughputs[i]);
}

/** `callers` concurrent loops of `predictOne` until `deadline`; each call's latency (ms) goes to `latencies` when given. */
async function callUntil(predictOne: () => Promise<unknown>, callers: number, deadline: number, latencies: number[] | null): Promise<void> {
  // Every caller completes at least one call, however late it gets going on a busy machine.
  const caller = async (): Promise<void> => {
    do {
      const t0 = performance.now();
      await predictOne();
      latencies?.push(performance.now() - t0);
    } while (performance.now() < deadline);
  };
  await Promise.all(Array.from({ length: callers }, caller));
}

/** Serves one timed slice of one caller in one process, after `warmupMs` untimed: its figures. */
export type ServeOneSlice = (warmupMs: number) => Promise<ServeStats>;

/** What two processes serving one caller each gave against one alone (`serveProcessPair`). */
export interface ProcessPairStats {
  /** One process, one caller: sequences/s over its slices. */
  one: number;
  /** Two processes at once, one caller each: their sequences/s together over their slices. */
  two: number;
  /** Each round's two-process throughput over its one-process throughput. */
  roundRatios: number[];
}

/** A process-pair row of the report. */
export interface ProcessPairRecord extends ProcessPairStats {
  cell: CellKind;
}

/**
 * What the host gives two independent callers: process `a` serving one caller alone, and `a` and `b`
 * serving one caller each at once, taking turns for `slices` rounds as `serveInTurns` does (the
 * first round after `warmupMs`, the others after `rewarmMs`). Nothing is shared between the two
 * processes, so their ratio is the host's, against which one process's two callers can be read.
 */
export async function serveProcessPair(
  a: ServeOneSlice,
  b: ServeOneSlice,
  plan: Pick<ServePlan, 'slices' | 'warmupMs' | 'rewarmMs'>,
): Promise<ProcessPairStats> {
  // Per side, over the rounds: sequences of its processes together, and their mean seconds.
  const totals = { one: { sequences: 0, seconds: 0 }, two: { sequences: 0, seconds: 0 } };
  const roundRatios: number[] = [];
  for (let round = 0; round < plan.slices; round++) {
    const warmupMs = round === 0 ? plan.warmupMs : plan.rewarmMs;
    const throughput = { one: 0, two: 0 }; // this round's, all of a side's processes together
    for (const side of inTurn(['one', 'two'] as const, round)) {
      const served = await Promise.all((side === 'one' ? [a] : [a, b]).map((serveSlice) => serveSlice(warmupMs)));
      for (const s of served) {
        totals[side].sequences += s.sequences;
        totals[side].seconds += s.seconds / served.length;
        throughput[side] += s.throughput;
      }
    }
    roundRatios.push(throughput.two / throughput.one);
  }
  return { one: totals.one.sequences / totals.one.seconds, two: totals.two.sequences / totals.two.seconds, roundRatios };
}
