import type { CellKind } from '@rnn/backend-api';
import type { BenchBackend } from './grid';

/** One serving run: K callers predicting one sequence each, back to back, for a fixed time. */
export interface ServeStats {
  callers: number;
  /** Predictions completed by all callers together. */
  sequences: number;
  /** Wall time from the first call to the last caller's end, in s. */
  seconds: number;
  /** Sequences per second, all callers together. */
  throughput: number;
  /** Latency of one prediction (call to result), median and 99th percentile, in ms. */
  p50Ms: number;
  p99Ms: number;
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
 * Untimed serving before each timed run, with the run's own K callers: the steady state a server
 * reaches (V8's optimised code for the concurrent path, the backend's pools), as the grid's modes
 * warm up before they are timed. With one warm-up call instead, a 5 s two-caller run started with
 * the batching code unoptimised and V8's compiler threads taking the core the second row waited
 * for (bench README, "The serving warm-up").
 */
export const SERVE_WARMUP_MS = 1000;

/**
 * Runs `callers` concurrent loops of `predictOne` for `warmupMs` untimed, then until `durationMs`
 * has passed (a call started before the deadline finishes and counts; each caller makes at least
 * one in either phase).
 */
export async function serveFor(
  predictOne: () => Promise<unknown>,
  callers: number,
  durationMs: number,
  warmupMs: number,
): Promise<ServeStats> {
  await callUntil(predictOne, callers, performance.now() + warmupMs, null);
  const latencies: number[] = [];
  const start = performance.now();
  await callUntil(predictOne, callers, start + durationMs, latencies);
  const seconds = (performance.now() - start) / 1000;
  return {
    callers,
    sequences: latencies.length,
    seconds,
    throughput: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
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
