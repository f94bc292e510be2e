import type { Tolerance } from './compare';

/**
 * Tolerances of the conformance suite, per quantity, each with the reason for its size.
 * A check passes where |actual − expected| ≤ atol + rtol·|expected|.
 */

/**
 * Forward outputs: float32 kernels against float64 PyTorch on values of order 1 over ≤ 6 steps
 * differ by a few float32 ulps (~1e-7 each); 1e-5 leaves room for BLAS summation order, not for a
 * wrong equation.
 */
export const FORWARD_TOLERANCE: Tolerance = { atol: 1e-5, rtol: 1e-5 };

/** Gradients sum over steps, batch and gates, so rounding grows by ~10× over the forward. */
export const GRADIENT_TOLERANCE: Tolerance = { atol: 1e-4, rtol: 1e-4 };

/**
 * Central differences of a float32 forward: the step must beat float32 rounding of the loss
 * (~1e-6 / 2·eps) while keeping the O(eps²) truncation small; 1e-2 does both.
 */
export const FD_EPSILON = 1e-2;

/** Loose enough for the `FD_EPSILON` errors above; a wrong gradient term is off by far more than 2e-3 + 2%. */
export const FD_TOLERANCE: Tolerance = { atol: 2e-3, rtol: 2e-2 };

/** Entries of each tensor (x, h0, c0, every weight) checked by finite differences. */
export const FD_SAMPLES_PER_TENSOR = 5;

/** GEMM of K ≤ 70 terms of order 1 in float32 against a float64 loop: errors stay near 1e-6. */
export const GEMM_TOLERANCE: Tolerance = { atol: 1e-5, rtol: 1e-5 };

/** Two runs that differ only in `null` versus explicit zeros should agree to rounding. */
export const SAME_COMPUTATION_TOLERANCE: Tolerance = { atol: 0, rtol: 1e-6 };
