import type { BenchBackend } from './grid';
import type { BenchRecord, GridOutcome } from './outcome';
import type { ServeRecord } from './serve-stats';

/** One run of the whole comparison (`--repeat N` makes N of them, interleaved). */
export interface RunResult {
  outcome: GridOutcome;
  /** The sgemm ceiling measured in the same run, GFLOP/s; `null` when skipped. */
  ceiling: number | null;
}

/** Identifies a timed row across runs. */
export type RecordKey = Pick<BenchRecord, 'cell' | 'config' | 'mode' | 'backend'>;

/** The row of `key` in one run's records, on `backend` if given (else the key's own). */
export function findRecord(records: readonly BenchRecord[], key: RecordKey, backend: BenchBackend = key.backend): BenchRecord | undefined {
  return records.find((r) => r.cell === key.cell && r.config === key.config && r.mode === key.mode && r.backend === backend);
}

/** How many times faster `key`'s row is than `backend`'s in one run (its median over ours); `null` if either did not run. */
export function speedupIn(records: readonly BenchRecord[], key: RecordKey, backend: BenchBackend): number | null {
  const ours = findRecord(records, key);
  const other = findRecord(records, key, backend);
  return ours && other ? other.medianMs / ours.medianMs : null;
}

/** The serving row of (cell, backend, callers) in one run. */
export function findServe(serving: readonly ServeRecord[], cell: string, backend: BenchBackend, callers: number): ServeRecord | undefined {
  return serving.find((s) => s.cell === cell && s.backend === backend && s.callers === callers);
}

/** Distinct keys over all runs, in first-seen order. */
export function distinct<T>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const t of items) if (!seen.has(key(t))) seen.set(key(t), t);
  return [...seen.values()];
}
