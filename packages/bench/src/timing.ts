/** How long to spend per timed case, and the bounds on repetitions. */
export interface TimingBudget {
  /** Wall time to aim for across the repetitions of one case, in ms. */
  budgetMs: number;
  /**
   * Untimed calls first, until this much wall time has passed (at least one call): the steady state
   * a training loop or a server reaches, JIT tiers and allocator pools warm on every peer alike.
   */
  warmupMs: number;
  /** Fewest repetitions when one call is well under the budget. */
  minReps: number;
  /** Most repetitions, however fast the call. */
  maxReps: number;
}

/**
 * Defaults: a few seconds per case, 300 ms of warm-up, 3 to 200 repetitions. With one warm-up call
 * and at most 30 samples, a 0.3 ms call was timed on its first ~30 runs, before V8 had optimised
 * the JavaScript around the kernels (README, "What happens", step 2).
 */
export const DEFAULT_BUDGET: TimingBudget = { budgetMs: 3000, warmupMs: 300, minReps: 3, maxReps: 200 };

/** The median and the samples it came from. */
export interface Timing {
  medianMs: number;
  /** Every timed repetition, in ms, in the order they ran. */
  samplesMs: number[];
}

/**
 * `items` in the order round `round` takes them when several sides are timed in turns: as given in
 * even rounds, reversed in odd ones, so that no side always runs first, nor always after the same one.
 */
export function inTurn<T>(items: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...items] : [...items].reverse();
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Times `fn`: untimed warm-up calls until `warmupMs` has passed (at least one, so a call longer than
 * that is warmed up once), then repetitions until the budget is spent. The first timed
 * call sizes the run: `clamp(budget / first, minReps, maxReps)` calls, except that a call taking
 * twice the budget or more (tens of seconds for the large fallback cases) is timed once.
 * `beforeTimed` runs between the warm-up and the first timed call (e.g. to reset a profile).
 */
export async function timeCall(
  fn: () => Promise<unknown>,
  budget: TimingBudget,
  beforeTimed: () => void = () => {},
): Promise<Timing> {
  const warmupEnd = performance.now() + budget.warmupMs;
  do await fn();
  while (performance.now() < warmupEnd);
  beforeTimed();
  const samplesMs: number[] = [];
  const once = async (): Promise<number> => {
    const start = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const first = await once();
  samplesMs.push(first);
  const reps = first >= 2 * budget.budgetMs ? 1 : Math.min(budget.maxReps, Math.max(budget.minReps, Math.floor(budget.budgetMs / first)));
  for (let i = 1; i < reps; i++) samplesMs.push(await once());
  return { medianMs: median(samplesMs), samplesMs };
}

/** Peak resident set size of this process so far, in MiB. */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Current resident set size of this process, in MiB. */
export function currentRssMb(): number {
  return process.memoryUsage().rss / (1024 * 1024);
}
