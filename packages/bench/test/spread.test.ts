import { describe, expect, it } from 'vitest';
import type { BenchRecord, GridOutcome } from '../src/outcome';
import { resultsTable } from '../src/report';
import type { RunResult } from '../src/runs';
import { processPairTable, serveTable } from '../src/serve-report';
import { formatSpread, spreadOf } from '../src/spread';
import { targetChecks } from '../src/targets';

const dims = { B: 64, T: 50, I: 64, H: 128 };

function row(backend: BenchRecord['backend'], medianMs: number): BenchRecord {
  return { cell: 'lstm', config: 'medium', mode: 'infer', backend, ...dims, medianMs, gflops: 1, peakRssMb: 100, reps: 10, baselineRssMb: 50 };
}

function runOf(nativeMs: number, ortMs: number, serve: [number, number, number]): RunResult {
  const [one, two, ort2] = serve;
  const stats = (callers: number, throughput: number) => ({ callers, sequences: throughput, seconds: 1, throughput, p50Ms: 1, p99Ms: 2, sliceThroughputs: [throughput] });
  const outcome: GridOutcome = {
    records: [row('native', nativeMs), row('onnxruntime', ortMs)],
    serving: [
      { cell: 'lstm', backend: 'native', ...stats(1, one) },
      { cell: 'lstm', backend: 'native', ...stats(2, two) },
      { cell: 'lstm', backend: 'onnxruntime', ...stats(2, ort2) },
    ],
    processPairs: [],
    threads: [],
    profiles: [],
    validations: [],
    backendDetails: {},
    nativeCpuLevel: null,
    skipped: [],
    failures: [],
  };
  return { outcome, ceiling: null };
}

describe('medians and ranges over repeated runs', () => {
  it('takes the median and range of the runs that measured a figure', () => {
    expect(spreadOf([3, null, 1, 2, undefined])).toEqual({ median: 2, min: 1, max: 3, n: 3 });
    expect(spreadOf([null])).toBeNull();
    expect(formatSpread({ median: 1.234, min: 1.1, max: 1.5, n: 3 }, 2, '×')).toBe('1.23× (1.10–1.50)');
    expect(formatSpread({ median: 4, min: 4, max: 4, n: 1 }, 1, '%')).toBe('4.0%');
  });

  it('takes ratios per run, then their median: a slow run of both sides does not skew them', () => {
    // native 10, 20, 12 ms; ONNX Runtime 12, 24, 12: per-run speedups 1.2, 1.2, 1.0.
    const runs = [runOf(10, 12, [100, 190, 200]), runOf(20, 24, [50, 60, 40]), runOf(12, 12, [100, 180, 150])];
    const native = resultsTable(runs).split('\n').find((l) => l.startsWith('| lstm | medium | infer | native |'))!;
    expect(native).toContain('| 12.00 (10.00–20.00) |');
    expect(native).toContain('| 1.20× (1.00–1.20) |');
    const checks = targetChecks(runs);
    expect(checks.find((c) => c.what === 'native lstm/medium infer vs ONNX Runtime')).toMatchObject({ measured: '1.20× (1.00–1.20)', met: true });
    // 2 callers vs 1: 1.9, 1.2, 1.8 → median 1.8; native vs ONNX Runtime at K=2: 0.95, 1.5, 1.2.
    expect(checks.find((c) => c.what === 'native serving lstm: 2 callers vs 1 (throughput)')).toMatchObject({ measured: '1.80× (1.20–1.90)', met: true });
    expect(checks.find((c) => c.what === 'native serving lstm, 2 callers: throughput vs ONNX Runtime')).toMatchObject({ measured: '1.20× (0.95–1.50)', met: true });
    expect(serveTable(runs)).toContain('| lstm | native | 2 | 180 (60–190) | 1.00 (1.00–1.00) | 2.00 (2.00–2.00) | 1.80× (1.20–1.90) | 1.20× (0.95–1.50) |');
  });

  it('sets two processes against one next to one process\'s two callers, per run', () => {
    const runs = [runOf(10, 12, [100, 190, 200]), runOf(20, 24, [50, 60, 40]), runOf(12, 12, [100, 180, 150])];
    // Two processes over one: 1.9, 2.0, 1.5 → median 1.9; one process's 2 callers over 1: 1.9, 1.2, 1.8.
    const pairs: [number, number][] = [[100, 190], [50, 100], [100, 150]];
    runs.forEach((r, i) => r.outcome.processPairs.push({ cell: 'lstm', one: pairs[i][0], two: pairs[i][1], roundRatios: [] }));
    expect(processPairTable(runs)).toContain('| lstm | 100 (50–100) | 150 (100–190) | 1.90× (1.50–2.00) | 1.80× (1.20–1.90) |');
  });

  it('marks a target missed by the median as no', () => {
    const runs = [runOf(10, 9, [100, 110, 200])];
    const checks = targetChecks(runs);
    expect(checks.find((c) => c.what === 'native lstm/medium infer vs ONNX Runtime')).toMatchObject({ measured: '0.90×', met: false });
    expect(checks.find((c) => c.what === 'native serving lstm: 2 callers vs 1 (throughput)')?.met).toBe(false);
  });
});
