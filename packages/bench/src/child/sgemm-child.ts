/**
 * Child process that measures the OpenBLAS sgemm ceiling through the native addon's raw `gemm`
 * binding (square sizes, 1 thread and the thread count given as argv[2], the one the timed native
 * rows use): the best any GEMM-bound kernel here can do.
 */
import type { GemmArgs } from '@rnn/backend-api';
import type { SgemmResult } from '../sgemm';
import { DEFAULT_BUDGET, timeCall } from '../timing';

/** The raw binding `require('@rnn/native')` returns, as far as the bench uses it. */
interface NativeBinding {
  gemm(args: GemmArgs): void;
  setNumThreads(threads: number): unknown;
  blasInfo(): unknown;
}

async function measure(): Promise<SgemmResult> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const binding = require('@rnn/native') as NativeBinding;
  const points: SgemmResult['points'] = [];
  const threads = Number(process.argv[2]);
  for (const count of [...new Set([1, threads])]) {
    binding.setNumThreads(count);
    for (const n of [1024, 2048]) {
      const a = new Float32Array(n * n).map((_, i) => ((i * 7919) % 1000) / 1000 - 0.5); // [n, n]
      const b = new Float32Array(n * n).map((_, i) => ((i * 104729) % 1000) / 1000 - 0.5); // [n, n]
      const c = new Float32Array(n * n); // [n, n]
      const args: GemmArgs = { c, a, b, M: n, N: n, K: n, transA: false, transB: false, alpha: 1, beta: 0 };
      const t = await timeCall(async () => binding.gemm(args), { ...DEFAULT_BUDGET, budgetMs: 1500 });
      points.push({ n, threads: count, medianMs: t.medianMs, gflops: (2 * n ** 3) / (t.medianMs * 1e6) });
    }
  }
  return { blasInfo: binding.blasInfo(), points };
}

measure().then(
  (result) => process.send!({ ok: true, result }, () => process.exit(0)),
  (err: unknown) => process.send!({ ok: false, message: err instanceof Error ? err.message : String(err) }, () => process.exit(0)),
);
