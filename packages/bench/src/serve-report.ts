import { SERVE_BACKENDS, type BenchBackend } from './grid';
import { type RunResult, distinct, findServe } from './runs';
import type { ProcessPairRecord, ServeRecord } from './serve-stats';
import { type Spread, formatSpread, spreadOf } from './spread';

/** Every serving row of any run, once: cell, then backend, then callers. */
function serveKeys(runs: readonly RunResult[]): ServeRecord[] {
  const all = runs.flatMap((r) => r.outcome.serving);
  const rank = (s: ServeRecord): number[] => [['lstm', 'gru', 'rnn'].indexOf(s.cell), SERVE_BACKENDS.indexOf(s.backend), s.callers];
  return distinct(all, (s) => `${s.cell}/${s.backend}/${s.callers}`).sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2];
  });
}

/** Per run, K callers' throughput over one caller's, same cell and backend. */
export function callerScaling(runs: readonly RunResult[], cell: string, backend: BenchBackend, callers: number): Spread | null {
  return spreadOf(
    runs.map((r) => {
      const k = findServe(r.outcome.serving, cell, backend, callers);
      const one = findServe(r.outcome.serving, cell, backend, 1);
      return k && one ? k.throughput / one.throughput : null;
    }),
  );
}

/** Per run, native's throughput over ONNX Runtime's at the same K. */
export function nativeOverOrt(runs: readonly RunResult[], cell: string, callers: number): Spread | null {
  return spreadOf(
    runs.map((r) => {
      const ours = findServe(r.outcome.serving, cell, 'native', callers);
      const ort = findServe(r.outcome.serving, cell, 'onnxruntime', callers);
      return ours && ort ? ours.throughput / ort.throughput : null;
    }),
  );
}

/** The serving table: throughput and latency per (cell, backend, K), medians over the runs with their range. */
export function serveTable(runs: readonly RunResult[]): string {
  const lines = [
    '| cell | backend | callers | sequences/s | p50 ms | p99 ms | vs 1 caller | native vs ONNX Runtime |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const key of serveKeys(runs)) {
    const found = runs.map((r) => findServe(r.outcome.serving, key.cell, key.backend, key.callers));
    const of = (f: (s: ServeRecord) => number): Spread | null => spreadOf(found.map((s) => (s ? f(s) : null)));
    const scaling = key.callers === 1 ? '' : formatSpread(callerScaling(runs, key.cell, key.backend, key.callers), 2, '×');
    const vsOrt = key.backend === 'native' ? formatSpread(nativeOverOrt(runs, key.cell, key.callers), 2, '×') : '';
    lines.push(
      `| ${key.cell} | ${key.backend} | ${key.callers} | ${formatSpread(of((s) => s.throughput), 0)} | ${formatSpread(of((s) => s.p50Ms))} | ` +
        `${formatSpread(of((s) => s.p99Ms))} | ${scaling} | ${vsOrt} |`,
    );
  }
  return lines.join('\n');
}

/**
 * Two native processes, one caller each, against one: sequences/s, medians over the runs with their
 * range, and next to it one process's two callers over its one (the same run's serving rows).
 */
export function processPairTable(runs: readonly RunResult[]): string {
  const lines = [
    '| cell | one process, 1 caller | two processes, 1 caller each | two processes vs one | one process: 2 callers vs 1 |',
    '|---|---:|---:|---:|---:|',
  ];
  const cells = distinct(runs.flatMap((r) => r.outcome.processPairs.map((p) => p.cell)), (c) => c);
  for (const cell of cells) {
    const pairs = runs.map((r) => r.outcome.processPairs.find((p) => p.cell === cell));
    const of = (f: (p: ProcessPairRecord) => number): Spread | null => spreadOf(pairs.map((p) => (p ? f(p) : null)));
    lines.push(
      `| ${cell} | ${formatSpread(of((p) => p.one), 0)} | ${formatSpread(of((p) => p.two), 0)} | ` +
        `${formatSpread(of((p) => p.two / p.one), 2, '×')} | ${formatSpread(callerScaling(runs, cell, 'native', 2), 2, '×')} |`,
    );
  }
  return lines.join('\n');
}
