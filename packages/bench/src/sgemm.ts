import { fork } from 'node:child_process';
import { childScript } from './child-calls';

/** One sgemm measurement: square n×n·n×n on `threads` OpenBLAS threads. */
export interface SgemmPoint {
  n: number;
  threads: number;
  medianMs: number;
  gflops: number;
}

/** The sgemm ceiling and what the addon says about its BLAS. */
export interface SgemmResult {
  /** Whatever the binding's `blasInfo()` returns (OpenBLAS version, config, cores). */
  blasInfo: unknown;
  points: SgemmPoint[];
}

/**
 * Measures the sgemm ceiling in a child process (so OpenBLAS threads never linger in the parent).
 * Resolves `{ skipped }` with the reason when the native addon cannot load.
 */
export function measureSgemm(threads: number): Promise<SgemmResult | { skipped: string }> {
  return new Promise((resolve) => {
    const child = fork(childScript('sgemm-child'), [String(threads)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let answered = false;
    child.on('message', (msg: { ok: true; result: SgemmResult } | { ok: false; message: string }) => {
      answered = true;
      resolve(msg.ok ? msg.result : { skipped: `native addon unavailable: ${msg.message.split('\n')[0]}` });
    });
    child.on('exit', (code) => {
      if (!answered) resolve({ skipped: `sgemm child exited with code ${code}` });
    });
  });
}

/**
 * The best GFLOP/s over the measured sizes at the most threads measured (the native rows' count):
 * the ceiling native figures are compared with.
 */
export function ceilingGflops(result: SgemmResult): number | null {
  const most = Math.max(...result.points.map((p) => p.threads));
  const at = result.points.filter((p) => p.threads === most);
  return at.length === 0 ? null : Math.max(...at.map((p) => p.gflops));
}
