import type { Random } from '../random';
import { expectClose, type Tolerance } from './compare';
import type { KernelCaller } from './kernel-network';

/**
 * GEMM checks against a float64 triple loop: every transpose combination, alpha/beta, and the
 * `beta = 0` rule that NaN already in `c` must not leak into the result.
 */

/** One GEMM problem. */
export interface GemmProblem {
  M: number;
  N: number;
  K: number;
  transA: boolean;
  transB: boolean;
  alpha: number;
  beta: number;
}

/** c = alpha·op(a)·op(b) + beta·c in float64 (beta = 0 ignores c entirely). */
export function referenceGemm(p: GemmProblem, a: Float32Array, b: Float32Array, c: Float32Array): Float64Array {
  const out = new Float64Array(p.M * p.N); // [M, N]
  for (let i = 0; i < p.M; i++) {
    for (let j = 0; j < p.N; j++) {
      let s = 0;
      for (let k = 0; k < p.K; k++) {
        const av = p.transA ? a[k * p.M + i] : a[i * p.K + k];
        const bv = p.transB ? b[j * p.K + k] : b[k * p.N + j];
        s += av * bv;
      }
      out[i * p.N + j] = p.alpha * s + (p.beta === 0 ? 0 : p.beta * c[i * p.N + j]);
    }
  }
  return out;
}

/** Runs `p` through the backend on random operands and checks the result; `cFill` pre-fills c (NaN tests overwrite). */
export async function checkGemm(
  kernels: KernelCaller,
  p: GemmProblem,
  rng: Random,
  tol: Tolerance,
  cFill?: number,
): Promise<void> {
  const random = (n: number) => new Float32Array(n).map(() => rng.uniform(-1, 1));
  const a = random(p.M * p.K); // [M, K] or [K, M]
  const b = random(p.K * p.N); // [K, N] or [N, K]
  const c = cFill === undefined ? random(p.M * p.N) : new Float32Array(p.M * p.N).fill(cFill); // [M, N]
  const expected = referenceGemm(p, a, b, c);
  await kernels.gemm({ c, a, b, ...p });
  const what = `gemm M=${p.M} N=${p.N} K=${p.K} transA=${p.transA} transB=${p.transB} alpha=${p.alpha} beta=${p.beta}`;
  expectClose(c, expected, tol, what);
}
