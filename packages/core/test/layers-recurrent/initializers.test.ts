import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors';
import { initialize, INITIALIZER_NAMES, type InitializerName } from '../../src/init/initializers';
import { Random } from '../../src/random';

function stats(v: Float32Array): { mean: number; std: number; maxAbs: number } {
  let s = 0;
  let maxAbs = 0;
  for (const x of v) {
    s += x;
    maxAbs = Math.max(maxAbs, Math.abs(x));
  }
  const mean = s / v.length;
  let q = 0;
  for (const x of v) q += (x - mean) ** 2;
  return { mean, std: Math.sqrt(q / v.length), maxAbs };
}

/** Gram matrix of the rows (r×r) of a row-major [rows, cols] matrix. */
function rowGram(v: Float32Array, rows: number, cols: number): number[][] {
  const g: number[][] = [];
  for (let i = 0; i < rows; i++) {
    g.push([]);
    for (let j = 0; j < rows; j++) {
      let d = 0;
      for (let k = 0; k < cols; k++) d += v[i * cols + k] * v[j * cols + k];
      g[i].push(d);
    }
  }
  return g;
}

function expectIdentity(g: number[][], tol: number): void {
  for (let i = 0; i < g.length; i++) {
    for (let j = 0; j < g.length; j++) expect(Math.abs(g[i][j] - (i === j ? 1 : 0))).toBeLessThan(tol);
  }
}

describe('initialize', () => {
  const N = 200 * 200;

  it('glorotUniform draws in ±sqrt(6/(fanIn+fanOut)) with the uniform variance', () => {
    const v = initialize('glorotUniform', [200, 200], 30, 90, new Random(1));
    const limit = Math.sqrt(6 / 120);
    const s = stats(v);
    expect(s.maxAbs).toBeLessThanOrEqual(limit);
    expect(s.maxAbs).toBeGreaterThan(0.99 * limit);
    expect(Math.abs(s.mean)).toBeLessThan(0.005);
    expect(s.std).toBeCloseTo(limit / Math.sqrt(3), 2);
  });

  it('heUniform and lecunUniform use fanIn only', () => {
    expect(stats(initialize('heUniform', [N], 50, 1, new Random(2))).maxAbs).toBeLessThanOrEqual(Math.sqrt(6 / 50));
    expect(stats(initialize('heUniform', [N], 50, 1, new Random(2))).maxAbs).toBeGreaterThan(0.99 * Math.sqrt(6 / 50));
    const lecun = stats(initialize('lecunUniform', [N], 50, 7, new Random(3)));
    expect(lecun.maxAbs).toBeLessThanOrEqual(Math.sqrt(3 / 50));
    expect(lecun.std).toBeCloseTo(Math.sqrt(1 / 50), 2);
  });

  it('glorotNormal and heNormal are truncated at 2σ and keep the requested variance', () => {
    const g = stats(initialize('glorotNormal', [N], 40, 60, new Random(4)));
    const want = Math.sqrt(2 / 100);
    expect(g.std / want).toBeGreaterThan(0.98);
    expect(g.std / want).toBeLessThan(1.02);
    expect(g.maxAbs).toBeLessThanOrEqual((2 * want) / 0.87962566103423978 + 1e-6);
    const h = stats(initialize('heNormal', [N], 40, 60, new Random(5)));
    expect(h.std / Math.sqrt(2 / 40)).toBeGreaterThan(0.98);
    expect(h.std / Math.sqrt(2 / 40)).toBeLessThan(1.02);
  });

  it('zeros, ones, randomUniform (±0.05) and randomNormal (σ 0.05) follow Keras defaults', () => {
    expect(Array.from(initialize('zeros', [2, 3], 3, 2, new Random(0)))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(initialize('ones', [4], 4, 4, new Random(0)))).toEqual([1, 1, 1, 1]);
    const u = stats(initialize('randomUniform', [N], 1, 1, new Random(6)));
    expect(u.maxAbs).toBeLessThanOrEqual(0.05);
    expect(u.maxAbs).toBeGreaterThan(0.049);
    expect(stats(initialize('randomNormal', [N], 1, 1, new Random(7))).std).toBeCloseTo(0.05, 3);
  });

  it('orthogonal gives orthonormal rows when rows <= cols (a recurrent kernel [H, 4H])', () => {
    const H = 8;
    const v = initialize('orthogonal', [H, 4 * H], H, 4 * H, new Random(8));
    expectIdentity(rowGram(v, H, 4 * H), 1e-5);
  });

  it('orthogonal gives orthonormal columns when rows > cols', () => {
    const rows = 12;
    const cols = 5;
    const v = initialize('orthogonal', [rows, cols], rows, cols, new Random(9));
    const t = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = v[r * cols + c];
    expectIdentity(rowGram(t, cols, rows), 1e-5);
  });

  it('orthogonal matches QR of the same normal matrix with sign correction (positive diag(R))', () => {
    // Q = A R⁻¹ with R upper triangular and positive diagonal ⇒ Qᵀ A is upper triangular, diag > 0.
    const n = 6;
    const q = initialize('orthogonal', [n, n], n, n, new Random(10));
    const rng = new Random(10);
    const a = Array.from({ length: n * n }, () => rng.normal());
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let r = 0;
        for (let k = 0; k < n; k++) r += q[k * n + i] * a[k * n + j];
        if (i > j) expect(Math.abs(r)).toBeLessThan(1e-5);
        if (i === j) expect(r).toBeGreaterThan(0);
      }
    }
  });

  it('orthogonal is bit-for-bit the textbook Gram–Schmidt loop (twice per column, float64)', () => {
    // The initialiser schedules the same float64 operations differently (column-contiguous, fused
    // sweeps, two columns at once); seeded weights must not change because of that.
    const reference = (shape: [number, number], seed: number): Float32Array => {
      const [rows, cols] = shape;
      const out = new Float32Array(rows * cols);
      const m = Math.max(rows, cols);
      const n = Math.min(rows, cols);
      const rng = new Random(seed);
      const a = new Float64Array(m * n); // [m, n] row-major
      for (let i = 0; i < a.length; i++) a[i] = rng.normal();
      for (let j = 0; j < n; j++) {
        for (let pass = 0; pass < 2; pass++) {
          for (let k = 0; k < j; k++) {
            let dot = 0;
            for (let i = 0; i < m; i++) dot += a[i * n + k] * a[i * n + j];
            for (let i = 0; i < m; i++) a[i * n + j] -= dot * a[i * n + k];
          }
        }
        let norm = 0;
        for (let i = 0; i < m; i++) norm += a[i * n + j] * a[i * n + j];
        norm = Math.sqrt(norm);
        for (let i = 0; i < m; i++) a[i * n + j] /= norm;
      }
      if (rows >= cols) for (let i = 0; i < a.length; i++) out[i] = a[i];
      else for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = a[c * n + r];
      return out;
    };
    const shapes: [number, number][] = [[1, 1], [1, 4], [4, 1], [2, 2], [3, 7], [7, 3], [8, 32], [12, 5], [17, 33], [33, 17], [40, 160]];
    for (const [k, shape] of shapes.entries()) {
      const got = initialize('orthogonal', shape, shape[0], shape[1], new Random(100 + k));
      expect(Array.from(got)).toEqual(Array.from(reference(shape, 100 + k)));
    }
  });

  it('is reproducible for a seed and different across seeds', () => {
    for (const name of INITIALIZER_NAMES) {
      const a = initialize(name, [4, 6], 4, 6, new Random(42));
      const b = initialize(name, [4, 6], 4, 6, new Random(42));
      expect(Array.from(a)).toEqual(Array.from(b));
    }
    const c = initialize('glorotUniform', [4, 6], 4, 6, new Random(43));
    expect(Array.from(c)).not.toEqual(Array.from(initialize('glorotUniform', [4, 6], 4, 6, new Random(42))));
  });

  it('rejects unknown names with the allowed list, and orthogonal on a vector', () => {
    expect(() => initialize('glorot' as InitializerName, [2], 1, 1, new Random(0))).toThrow(ConfigError);
    expect(() => initialize('glorot' as InitializerName, [2], 1, 1, new Random(0))).toThrow(/initialize: initializer must be one of 'glorotUniform', 'glorotNormal'.*got 'glorot'/);
    expect(() => initialize('orthogonal', [5], 5, 5, new Random(0))).toThrow(/rank 2/);
  });
});
