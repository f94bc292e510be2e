import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOLERANCE, compareGradients, compareLoss, comparePredictions } from '../src/compare';
import { writeBundle } from '../src/tensor-file';
import { tempDir } from '../../../test-support/temp-dirs';

const dir = tempDir('bench-compare-');

describe('validation comparisons', () => {
  it('accepts predictions within 1e-4 + 1e-3·|b| and rejects just beyond', () => {
    const b = [0.5, -1, 0];
    expect(comparePredictions([0.5 + 5e-4, -1, 0], b).ok).toBe(true); // tol at 0.5 is 6e-4
    const bad = comparePredictions([0.5, -1, 2e-4], b); // tol at 0 is 1e-4
    expect(bad.ok).toBe(false);
    expect(bad.maxAbsDiff).toBeCloseTo(2e-4, 10);
    expect(bad.tolerance).toBeCloseTo(TOLERANCE.predictionAbs, 12);
  });

  it('fails on NaN and on a length mismatch', () => {
    expect(comparePredictions([Number.NaN], [1]).ok).toBe(false);
    expect(comparePredictions([1, 2], [1]).ok).toBe(false);
  });

  it('compares losses relatively', () => {
    expect(compareLoss('l', 1.0005, 1).ok).toBe(true);
    expect(compareLoss('l', 1.002, 1).ok).toBe(false);
  });

  it('compares gradients relative to each tensor’s largest entry', () => {
    const a = join(dir, 'a.bin');
    const b = join(dir, 'b.bin');
    const g = Float32Array.from([10, 0.001, -3]);
    writeBundle(b, { w: { shape: [3], data: g } });
    // 0.009 off on a tensor whose largest gradient is 10: within 1e-3·10.
    writeBundle(a, { w: { shape: [3], data: Float32Array.from([10, 0.01, -3]) } });
    expect(compareGradients(a, b).every((c) => c.ok)).toBe(true);
    writeBundle(a, { w: { shape: [3], data: Float32Array.from([10, 0.001, -2.9]) } });
    const checks = compareGradients(a, b);
    expect(checks[0].ok).toBe(false);
    expect(checks[0].what).toBe('grad w');
    writeBundle(a, { v: { shape: [3], data: g } });
    expect(compareGradients(a, b).filter((c) => !c.ok).map((c) => c.what)).toEqual([
      'grad v (missing or different length)',
      'grad w (missing or different length)',
    ]);
  });
});
