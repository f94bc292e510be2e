import { availableParallelism } from 'node:os';
import type { CellKind } from '@rnn/backend-api';
import { type BenchBackend, CELLS, CONFIG_NAMES, type ConfigName, type Mode } from './grid';
import { speedupSpread } from './report';
import { checkedThreadCounts } from './run-threads';
import type { RunResult } from './runs';
import { callerScaling, nativeOverOrt } from './serve-report';
import { type Spread, formatSpread, spreadOf } from './spread';

/** One target, measured: met when the median over the runs meets it; the range shows how firmly. */
export interface TargetCheck {
  what: string;
  target: string;
  measured: string;
  met: boolean;
}

function check(what: string, s: Spread | null, want: number, unit: string, digits: number, atMost = false): TargetCheck[] {
  if (!s) return [];
  const met = atMost ? s.median <= want : s.median >= want;
  return [{ what, target: `${atMost ? '≤' : '≥'} ${want}${unit}`, measured: formatSpread(s, digits, unit), met }];
}

/** Native training over PyTorch wanted per config (small: the earlier goal; medium and large: the threading issue's). */
const TRAIN_VS_TORCH: Record<ConfigName, number> = { small: 3, medium: 2, large: 1.5 };

/** Inference and training against ONNX Runtime, PyTorch and the sgemm ceiling. */
function speedTargets(runs: readonly RunResult[]): TargetCheck[] {
  const out: TargetCheck[] = [];
  const key = (cell: CellKind, config: ConfigName, mode: Mode, backend: BenchBackend = 'native') => ({ cell, config, mode, backend });
  for (const config of CONFIG_NAMES) {
    for (const cell of CELLS) {
      if (cell !== 'rnn' && config !== 'small') {
        out.push(...check(`native ${cell}/${config} infer vs ONNX Runtime`, speedupSpread(runs, key(cell, config, 'infer'), 'onnxruntime'), 1, '×', 2));
      }
      out.push(...check(`native ${cell}/${config} train vs PyTorch`, speedupSpread(runs, key(cell, config, 'train'), 'pytorch'), TRAIN_VS_TORCH[config], '×', 2));
      if (config === 'large') {
        const pct = spreadOf(
          runs.map((r) => {
            const rec = r.outcome.records.find((x) => x.backend === 'native' && x.cell === cell && x.config === 'large' && x.mode === 'train');
            return rec && r.ceiling ? (100 * rec.gflops) / r.ceiling : null;
          }),
        );
        out.push(...check(`native ${cell}/large train, % of the sgemm ceiling of the same run`, pct, 85, '%', 1));
      }
    }
  }
  for (const [peer, want] of [['tfjs-cpu', 5], ['tfjs-wasm', 1.3]] as const) {
    out.push(...check(`fallback lstm/medium train vs ${peer}`, speedupSpread(runs, key('lstm', 'medium', 'train', 'fallback'), peer), want, '×', 2));
  }
  return out;
}

/** Serving: two callers against one, and native against ONNX Runtime at each K. */
function serveTargets(runs: readonly RunResult[]): TargetCheck[] {
  const out: TargetCheck[] = [];
  const callers = [...new Set(runs.flatMap((r) => r.outcome.serving.map((s) => s.callers)))].sort((a, b) => a - b);
  for (const cell of CELLS) {
    out.push(...check(`native serving ${cell}: 2 callers vs 1 (throughput)`, callerScaling(runs, cell, 'native', 2), 1.7, '×', 2));
    for (const k of callers) {
      out.push(...check(`native serving ${cell}, ${k} caller${k === 1 ? '' : 's'}: throughput vs ONNX Runtime`, nativeOverOrt(runs, cell, k), 1, '×', 2));
    }
  }
  return out;
}

/** Threads: one thread keeps one core busy; more threads than cores cost at most 10%. */
function threadTargets(runs: readonly RunResult[]): TargetCheck[] {
  const out: TargetCheck[] = [];
  const cores = availableParallelism();
  const over = checkedThreadCounts(cores).at(-1)!;
  const rows = runs.flatMap((r) => r.outcome.threads);
  const keys = [...new Set(rows.map((t) => `${t.cell}/${t.config}/${t.mode}`))];
  for (const key of keys) {
    const at = (r: RunResult, threads: number) => r.outcome.threads.find((t) => `${t.cell}/${t.config}/${t.mode}` === key && t.threads === threads);
    out.push(...check(`native ${key}, RNN_NUM_THREADS=1: process CPU time / wall time`, spreadOf(runs.map((r) => at(r, 1)?.cpuPerWall)), 1.1, '', 2, true));
    if (over !== cores) {
      const ratio = spreadOf(runs.map((r) => {
        const a = at(r, over);
        const b = at(r, cores);
        return a && b ? a.medianMs / b.medianMs : null;
      }));
      out.push(...check(`native ${key}: time with ${over} threads / with ${cores} (the cores)`, ratio, 1.1, '×', 2, true));
    }
  }
  return out;
}

/** Every target this run measured something for, from the threading issue's Done-when and the earlier goals. */
export function targetChecks(runs: readonly RunResult[]): TargetCheck[] {
  return [...speedTargets(runs), ...serveTargets(runs), ...threadTargets(runs)];
}

/** The targets as a markdown table. */
export function targetsTable(checks: readonly TargetCheck[]): string {
  const lines = ['| target | wanted | measured | met |', '|---|---:|---:|:---:|'];
  for (const c of checks) lines.push(`| ${c.what} | ${c.target} | ${c.measured} | ${c.met ? 'yes' : '**no**'} |`);
  return lines.join('\n');
}

/** The thread rows: time and CPU/wall per thread count, medians over the runs with their range. */
export function threadsTable(runs: readonly RunResult[]): string {
  const lines = ['| cell | config | mode | RNN_NUM_THREADS | median ms | CPU time / wall |', '|---|---|---|---:|---:|---:|'];
  const rows = runs.flatMap((r) => r.outcome.threads);
  const keys = [...new Set(rows.map((t) => `${t.cell}|${t.config}|${t.mode}|${t.threads}`))];
  for (const key of keys) {
    const mine = rows.filter((t) => `${t.cell}|${t.config}|${t.mode}|${t.threads}` === key);
    lines.push(`| ${key.split('|').join(' | ')} | ${formatSpread(spreadOf(mine.map((t) => t.medianMs)))} | ${formatSpread(spreadOf(mine.map((t) => t.cpuPerWall)))} |`);
  }
  return lines.join('\n');
}
