import { BACKENDS, type BenchBackend, CELLS, CONFIGS, CONFIG_NAMES, type ConfigName, caseFlops } from './grid';
import { memoryNeed } from './memory';
import type { BenchRecord, ProfileRecord } from './outcome';
import { type RecordKey, type RunResult, distinct, findRecord, speedupIn } from './runs';
import { type SgemmResult, ceilingGflops } from './sgemm';
import { type Spread, formatSpread, spreadOf } from './spread';

/** A figure with `digits` decimals, or a dash when it is not a finite number. */
export const fmt = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : '—');

/** Rows in grid order: config, cell, mode, then backend. */
function sorted<T extends RecordKey>(records: readonly T[]): T[] {
  const key = (r: RecordKey): number[] => [
    CONFIG_NAMES.indexOf(r.config),
    CELLS.indexOf(r.cell),
    r.mode === 'infer' ? 0 : 1,
    BACKENDS.indexOf(r.backend),
  ];
  return [...records].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] - kb[i];
    return 0;
  });
}

/** Every timed row of any run, once, in grid order. */
export function recordKeys(runs: readonly RunResult[]): RecordKey[] {
  const all = runs.flatMap((r) => r.outcome.records);
  return sorted(distinct(all, (r) => `${r.cell}/${r.config}/${r.mode}/${r.backend}`));
}

/** The spread over the runs of a row's speedup over `backend`. */
export function speedupSpread(runs: readonly RunResult[], key: RecordKey, backend: BenchBackend): Spread | null {
  return spreadOf(runs.map((r) => speedupIn(r.outcome.records, key, backend)));
}

/** Peers whose speedup columns our rows show. */
const VERSUS: readonly [BenchBackend, string][] = [
  ['pytorch', 'vs PyTorch'],
  ['onnxruntime', 'vs ONNX Runtime'],
  ['tfjs-cpu', 'vs tfjs-cpu'],
  ['tfjs-wasm', 'vs tfjs-wasm'],
];

/**
 * The main table: per row the median over the runs of its median time, with the runs' range; the
 * ratios are speedups of the row over the named backend (its time over the row's), taken per run,
 * shown as their median and range; % sgemm is the row's GFLOP/s over the same run's ceiling.
 */
export function resultsTable(runs: readonly RunResult[]): string {
  const lines = [
    `| cell | config | mode | backend | median ms | GFLOP/s | % sgemm | vs fallback | ${VERSUS.map(([, h]) => h).join(' | ')} | peak RSS MiB | reps |`,
    `|---|---|---|---|---:|---:|---:|---:|${VERSUS.map(() => '---:').join('|')}|---:|---:|`,
  ];
  for (const key of recordKeys(runs)) {
    const found = runs.map((r) => findRecord(r.outcome.records, key));
    const ms = spreadOf(found.map((f) => f?.medianMs))!;
    const ours = key.backend === 'native' || key.backend === 'fallback';
    const pct = key.backend === 'native' || key.backend === 'pytorch' || key.backend === 'onnxruntime'
      ? spreadOf(runs.map((r, i) => (r.ceiling && found[i] ? (100 * found[i]!.gflops) / r.ceiling : null)))
      : null;
    const vs = (b: BenchBackend): string => (ours && b !== key.backend ? formatSpread(speedupSpread(runs, key, b), 2, '×') : '');
    const rss = Math.max(...found.map((f) => f?.peakRssMb ?? 0));
    const reps = spreadOf(found.map((f) => f?.reps))!;
    lines.push(
      `| ${key.cell} | ${key.config} | ${key.mode} | ${key.backend} | ${formatSpread(ms)} | ${fmt(caseFlops(key.cell, key.mode, CONFIGS[key.config]) / (ms.median * 1e6))} | ` +
        `${formatSpread(pct, 1, '%')} | ${key.backend === 'native' ? vs('fallback') : ''} | ${VERSUS.map(([b]) => vs(b)).join(' | ')} | ${fmt(rss, 0)} | ${Math.round(reps.median)} |`,
    );
  }
  return lines.join('\n');
}

/** The sgemm ceiling table. */
export function sgemmTable(sgemm: SgemmResult): string {
  const lines = ['| n | threads | median ms | GFLOP/s |', '|---:|---:|---:|---:|'];
  for (const p of sgemm.points) lines.push(`| ${p.n} | ${p.threads} | ${fmt(p.medianMs)} | ${fmt(p.gflops)} |`);
  return lines.join('\n');
}

/** One memory row: what a step needs in theory, and what each of our backends' child peaked at. */
export interface MemoryRow {
  cell: string;
  config: ConfigName;
  mode: string;
  neededMb: number;
  /** Peak RSS minus the child's RSS at start-up, per backend, MiB. */
  usedMb: Partial<Record<BenchBackend, number>>;
}

/** Memory rows for every (cell, config, mode) that was timed. */
export function memoryRows(records: readonly BenchRecord[]): MemoryRow[] {
  const rows = new Map<string, MemoryRow>();
  for (const r of sorted(records)) {
    const key = `${r.cell}/${r.config}/${r.mode}`;
    let row = rows.get(key);
    if (!row) {
      row = { cell: r.cell, config: r.config, mode: r.mode, neededMb: memoryNeed(r.cell, r.mode, r).totalMb, usedMb: {} };
      rows.set(key, row);
    }
    row.usedMb[r.backend] = r.peakRssMb - r.baselineRssMb;
  }
  return [...rows.values()];
}

/** The memory table: need (weights + grads + Adam state + activations) against peak RSS growth. */
export function memoryTable(rows: readonly MemoryRow[]): string {
  const lines = [
    '| cell | config | mode | needed MiB | native peak−start MiB | ratio | fallback peak−start MiB | ratio | PyTorch peak−start MiB | ratio |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const cellsFor = (b: BenchBackend): string => {
      const used = row.usedMb[b];
      return used === undefined ? ' | ' : `${fmt(used, 1)} | ${fmt(used / row.neededMb, 1)}×`;
    };
    lines.push(`| ${row.cell} | ${row.config} | ${row.mode} | ${fmt(row.neededMb, 1)} | ${cellsFor('native')} | ${cellsFor('fallback')} | ${cellsFor('pytorch')} |`);
  }
  return lines.join('\n');
}

/** The ceiling at the native rows' thread count, or `null` when sgemm was skipped. */
export function ceilingOf(sgemm: SgemmResult | { skipped: string } | null): number | null {
  return sgemm && !('skipped' in sgemm) ? ceilingGflops(sgemm) : null;
}

/**
 * Where our backends spend a call: mean ms per call in the forward and backward sequence kernels
 * and in gemm (Dense, loss), and the rest (JavaScript around the kernels: batch-first ↔ time-major
 * copies, loss, Adam, argument checks, promise hops).
 */
export function profileTable(profiles: readonly ProfileRecord[]): string {
  const lines = [
    '| cell | config | mode | backend | mean ms/call | forward kernel | backward kernel | gemm | other (JS) | in kernels |',
    '|---|---|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  const sum = (p: ProfileRecord, re: RegExp): number =>
    Object.entries(p.kernelMs).filter(([k]) => re.test(k)).reduce((a, [, ms]) => a + ms, 0);
  for (const p of profiles) {
    const fwd = sum(p, /Forward/);
    const bwd = sum(p, /Backward/);
    const gemm = sum(p, /^gemm/);
    const other = p.meanCallMs - fwd - bwd - gemm;
    lines.push(
      `| ${p.cell} | ${p.config} | ${p.mode} | ${p.backend} | ${fmt(p.meanCallMs)} | ${fmt(fwd)} | ${fmt(bwd)} | ${fmt(gemm)} | ` +
        `${fmt(other)} | ${fmt((100 * (fwd + bwd + gemm)) / p.meanCallMs, 0)}% |`,
    );
  }
  return lines.join('\n');
}
