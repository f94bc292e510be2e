/**
 * Closeness checks with failure messages that help: the first mismatches (index, actual, expected)
 * and the largest absolute and relative differences over the whole buffer.
 */

/** Tolerance of one comparison: passes where |actual − expected| ≤ atol + rtol·|expected|. */
export interface Tolerance {
  atol: number;
  rtol: number;
}

/** How many mismatches a failure message lists. */
const MISMATCHES_SHOWN = 8;

/** Thrown by `expectClose`; vitest reports its message. */
export class ClosenessError extends Error {
  override name = 'ClosenessError';
}

/**
 * Asserts that `actual` matches `expected` element-wise within `tol`. NaN or ±Infinity in `actual`
 * always fails. `what` names the quantity, e.g. `lstm_basic: dWIh (weight_ih_l0)`.
 */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance, what: string): void {
  if (actual.length !== expected.length) {
    throw new ClosenessError(`${what}: expected ${expected.length} values, got ${actual.length}`);
  }
  const mismatches: string[] = [];
  let count = 0;
  let maxAbs = 0;
  let maxRel = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const abs = Math.abs(a - e);
    const ok = Number.isFinite(a) && abs <= tol.atol + tol.rtol * Math.abs(e);
    if (Number.isFinite(a)) {
      maxAbs = Math.max(maxAbs, abs);
      if (e !== 0) maxRel = Math.max(maxRel, abs / Math.abs(e));
    } else {
      maxAbs = Infinity;
    }
    if (!ok) {
      count++;
      if (mismatches.length < MISMATCHES_SHOWN) mismatches.push(`  [${i}] actual ${a}, expected ${e}`);
    }
  }
  if (count > 0) {
    throw new ClosenessError(
      `${what}: ${count} of ${expected.length} values differ beyond atol ${tol.atol} + rtol ${tol.rtol}; ` +
        `max abs diff ${maxAbs.toPrecision(3)}, max rel diff ${maxRel.toPrecision(3)}\n${mismatches.join('\n')}`,
    );
  }
}
