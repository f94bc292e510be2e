import { fieldsOver } from './fields';

/** The sizes of a GEMM: op(a) is `[M, K]`, op(b) is `[K, N]`, c is `[M, N]`. */
export type GemmSize = 'M' | 'N' | 'K';

const { size, flag, scalar, read, write } = fieldsOver<GemmSize>();

/**
 * Row-major single-precision GEMM: `c = alpha · op(a) · op(b) + beta · c`, where
 * op(a) is `[M, K]` (`a` stored `[M, K]`, or `[K, M]` when `transA`) and
 * op(b) is `[K, N]` (`b` stored `[K, N]`, or `[N, K]` when `transB`); `c` is `[M, N]`.
 * With `beta = 0`, `c` is overwritten (NaN in `c` does not propagate).
 */
export const GEMM = {
  /** [M, N] output. */
  c: write('output', ['M', 'N']),
  /** [M, K], or [K, M] when `transA`. */
  a: read('input', ['M', 'K'], { transposedBy: 'transA' }),
  /** [K, N], or [N, K] when `transB`. */
  b: read('input', ['K', 'N'], { transposedBy: 'transB' }),
  M: size(),
  N: size(),
  K: size(),
  /** `a` is stored transposed. */
  transA: flag(),
  /** `b` is stored transposed. */
  transB: flag(),
  alpha: scalar(),
  beta: scalar(),
};
