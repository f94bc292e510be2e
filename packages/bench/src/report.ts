import { BACKENDS, type BenchBackend, CONFIG_NAMES, type ConfigName } from './grid';
import { memoryNeed } from './memory';
import type { BenchRecord, GridOutcome, ProfileRecord } from './run-grid';
import { type SgemmResult, twoThreadCeiling } from './sgemm';

const fmt = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const ratio = (x: number | null): string => (x === null ? '' : `${x.toFixed(2)}×`);

/** The record of the same cell, config and mode on another backend. */
function peer(records: readonly BenchRecord[], r: BenchRecord, backend: BenchBackend): BenchRecord | undefined {
  return records.find((o) => o.cell === r.cell && o.config === r.config && o.mode === r.mode && o.backend === backend);
}

/** How many times faster `r` is than the same case on `backend` (its median over ours); `null` if not run. */
export function speedup(records: readonly BenchRecord[], r: BenchRecord, backend: BenchBackend): number | null {
  const other = peer(records, r, backend);
  return other ? other.medianMs / r.medianMs : null;
}

/** Rows in grid order: config, cell, mode, then backend. */
function sorted(records: readonly BenchRecord[]): BenchRecord[] {
  const key = (r: BenchRecord): number[] => [
    CONFIG_NAMES.indexOf(r.config),
    ['lstm', 'gru', 'rnn'].indexOf(r.cell),
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

/**
 * The main table. Ratios are speedups of the row over the named backend (its median time over the
 * row's), shown on our backends' rows; % sgemm is the row's GFLOP/s over the 2-thread ceiling.
 */
export function resultsTable(records: readonly BenchRecord[], ceiling: number | null): string {
  const lines = [
    '| cell | config | mode | backend | median ms | GFLOP/s | % sgemm (2T) | vs fallback | vs PyTorch | vs tfjs-cpu | vs tfjs-wasm | peak RSS MiB | reps |',
    '|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of sorted(records)) {
    const ours = r.backend === 'native' || r.backend === 'fallback';
    const pct = ceiling && (r.backend === 'native' || r.backend === 'pytorch') ? `${fmt((100 * r.gflops) / ceiling, 1)}%` : '';
    lines.push(
      `| ${r.cell} | ${r.config} | ${r.mode} | ${r.backend} | ${fmt(r.medianMs)} | ${fmt(r.gflops)} | ${pct} | ` +
        `${r.backend === 'native' ? ratio(speedup(records, r, 'fallback')) : ''} | ` +
        `${ours ? ratio(speedup(records, r, 'pytorch')) : ''} | ${ours ? ratio(speedup(records, r, 'tfjs-cpu')) : ''} | ` +
        `${ours ? ratio(speedup(records, r, 'tfjs-wasm')) : ''} | ${fmt(r.peakRssMb, 0)} | ${r.reps} |`,
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

/** One target from the issue, measured. */
export interface TargetCheck {
  what: string;
  target: string;
  measured: string;
  met: boolean;
}

/** The speed targets, checked on whatever this run measured. */
export function targetChecks(outcome: GridOutcome, ceiling: number | null): TargetCheck[] {
  const out: TargetCheck[] = [];
  const records = outcome.records;
  const wanted: Record<ConfigName, number> = { small: 3, medium: 2, large: 1.25 };
  for (const r of sorted(records)) {
    if (r.backend !== 'native' || r.mode !== 'train') continue;
    const vsTorch = speedup(records, r, 'pytorch');
    if (vsTorch !== null) {
      out.push({ what: `native ${r.cell}/${r.config} train vs PyTorch`, target: `≥ ${wanted[r.config]}×`, measured: ratio(vsTorch), met: vsTorch >= wanted[r.config] });
    }
    if (r.config === 'large' && ceiling) {
      const pct = (100 * r.gflops) / ceiling;
      out.push({ what: `native ${r.cell}/large train, % of 2-thread sgemm`, target: '≥ 85%', measured: `${fmt(pct, 1)}%`, met: pct >= 85 });
    }
  }
  const fb = records.find((r) => r.backend === 'fallback' && r.cell === 'lstm' && r.config === 'medium' && r.mode === 'train');
  if (fb) {
    for (const [peerName, want] of [['tfjs-cpu', 5], ['tfjs-wasm', 1.3]] as const) {
      const s = speedup(records, fb, peerName);
      if (s !== null) out.push({ what: `fallback lstm/medium train vs ${peerName}`, target: `≥ ${want}×`, measured: ratio(s), met: s >= want });
    }
  }
  return out;
}

/** The targets as a markdown table. */
export function targetsTable(checks: readonly TargetCheck[]): string {
  const lines = ['| target | wanted | measured | met |', '|---|---:|---:|:---:|'];
  for (const c of checks) lines.push(`| ${c.what} | ${c.target} | ${c.measured} | ${c.met ? 'yes' : '**no**'} |`);
  return lines.join('\n');
}

/** The 2-thread ceiling, or `null` when sgemm was skipped. */
export function ceilingOf(sgemm: SgemmResult | { skipped: string } | null): number | null {
  return sgemm && !('skipped' in sgemm) ? twoThreadCeiling(sgemm) : null;
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
