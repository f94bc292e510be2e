import { describe, expect, it } from 'vitest';
import { fallbackBackend, sgemm } from '../src';
import { expectClose, makeRandom } from './harness';

/**
 * float64 reference: returns alpha·op(A)·op(B) + beta·C and, per element, Σ|a·b| + |beta·c| (the
 * scale a float32 rounding error is relative to).
 */
function reference(
  transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  a: Float32Array, b: Float32Array, beta: number, c: Float32Array,
): { value: Float64Array; scale: Float64Array } {
  const value = new Float64Array(M * N);
  const scale = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      let mag = 0;
      for (let k = 0; k < K; k++) {
        const av = transA ? a[k * M + i] : a[i * K + k];
        const bv = transB ? b[j * K + k] : b[k * N + j];
        s += av * bv;
        mag += Math.abs(av * bv);
      }
      const cv = beta === 0 ? 0 : beta * c[i * N + j];
      value[i * N + j] = alpha * s + cv;
      scale[i * N + j] = Math.abs(alpha) * mag + Math.abs(cv);
    }
  }
  return { value, scale };
}

/** Checks the public gemm(args) against the reference with a float32-sized relative tolerance. */
function check(M: number, N: number, K: number, transA: boolean, transB: boolean, alpha: number, beta: number, seed: number): void {
  const rand = makeRandom(seed);
  const a = Float32Array.from({ length: M * K }, () => rand());
  const b = Float32Array.from({ length: K * N }, () => rand());
  const c = Float32Array.from({ length: M * N }, () => rand());
  const { value, scale } = reference(transA, transB, M, N, K, alpha, a, b, beta, c);
  fallbackBackend.gemm({ c, a, b, M, N, K, transA, transB, alpha, beta });
  const bad: string[] = [];
  for (let k = 0; k < M * N; k++) {
    // float32 inputs, float64 partial sums, one float32 rounding per K block: a few ulp of the scale.
    const tol = 4 * 2 ** -24 * (scale[k] + 1e-30) * Math.max(1, Math.ceil(K / 256));
    if (!(Math.abs(c[k] - value[k]) <= tol)) bad.push(`[${k}] got ${c[k]}, expected ${value[k]} (tol ${tol})`);
  }
  expect(bad.slice(0, 5), `M=${M} N=${N} K=${K} transA=${transA} transB=${transB} alpha=${alpha} beta=${beta}`).toEqual([]);
}

describe('fallback gemm', () => {
  // Odd sizes, sizes at and past the 4×4 tile, and past the K (256) and M (128) blocks.
  const shapes: [number, number, number][] = [
    [1, 1, 1], [1, 7, 3], [5, 1, 9], [3, 5, 1], [4, 4, 4], [5, 6, 7], [8, 12, 16], [13, 17, 19],
    [33, 9, 65], [130, 11, 300], [7, 131, 257], [64, 96, 40],
  ];
  let seed = 1;
  for (const [M, N, K] of shapes) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`${M}×${N}×${K} transA=${transA} transB=${transB}`, () => {
          check(M, N, K, transA, transB, 1, 0, seed++);
          check(M, N, K, transA, transB, 1, 1, seed++);
          check(M, N, K, transA, transB, -0.75, 0.5, seed++);
        });
      }
    }
  }

  it('handles N beyond the 2048-column block', () => {
    check(3, 2053, 5, false, true, 1, 1, 99);
    check(2, 2049, 3, true, false, 2, 0, 98);
  });

  it('beta = 0 overwrites C, so NaN and Inf already in C do not propagate', () => {
    const c = new Float32Array([NaN, Infinity, -Infinity, NaN]);
    fallbackBackend.gemm({ c, a: new Float32Array([1, 2, 3, 4]), b: new Float32Array([1, 0, 0, 1]), M: 2, N: 2, K: 2, transA: false, transB: false, alpha: 1, beta: 0 });
    expect(Array.from(c)).toEqual([1, 2, 3, 4]);
  });

  it('K = 0 gives beta · C; alpha = 0 does not read A or B', () => {
    const c = new Float32Array([1, 2, 3, 4]);
    fallbackBackend.gemm({ c, a: new Float32Array(0), b: new Float32Array(0), M: 2, N: 2, K: 0, transA: false, transB: false, alpha: 1, beta: 3 });
    expect(Array.from(c)).toEqual([3, 6, 9, 12]);
    const nan = new Float32Array([NaN, NaN]);
    fallbackBackend.gemm({ c, a: nan, b: nan, M: 2, N: 2, K: 1, transA: false, transB: false, alpha: 0, beta: 0 });
    expect(Array.from(c)).toEqual([0, 0, 0, 0]);
  });

  it('does not modify A or B', () => {
    const rand = makeRandom(5);
    const a = Float32Array.from({ length: 35 }, () => rand());
    const b = Float32Array.from({ length: 63 }, () => rand());
    const a0 = a.slice();
    const b0 = b.slice();
    fallbackBackend.gemm({ c: new Float32Array(45), a, b, M: 5, N: 9, K: 7, transA: false, transB: true, alpha: 1, beta: 0 });
    expect(a).toEqual(a0);
    expect(b).toEqual(b0);
  });

  it('sgemm works on sub-blocks: offsets and leading dimensions, neighbours untouched', () => {
    // A is rows 1..3, columns 2..6 of a [5, 9] buffer; B^T is columns 1..4 of rows 0..3 of [6, 8];
    // C is a [3, 4] window at row 2, column 1 of a [6, 7] buffer.
    const rand = makeRandom(11);
    const A = Float32Array.from({ length: 45 }, () => rand());
    const Bt = Float32Array.from({ length: 48 }, () => rand());
    const C = Float32Array.from({ length: 42 }, () => rand());
    const before = C.slice();
    const M = 3, N = 4, K = 5;
    sgemm(false, true, M, N, K, 1, A, 1 * 9 + 2, 9, Bt, 0 * 8 + 1, 8, 1, C, 2 * 7 + 1, 7);
    const expected = before.slice();
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += A[(1 + i) * 9 + 2 + k] * Bt[j * 8 + 1 + k];
        expected[(2 + i) * 7 + 1 + j] += s;
      }
    }
    expectClose('C', C, expected, 1e-6, 1e-6);
  });
});
