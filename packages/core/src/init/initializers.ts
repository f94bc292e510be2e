import { ConfigError } from '../errors';
import { checkChoice } from '../options';
import type { Random } from '../random';

/** Weight initialisers, by Keras name (camelCase). Semantics follow Keras 3. */
export type InitializerName =
  | 'glorotUniform'
  | 'glorotNormal'
  | 'heUniform'
  | 'heNormal'
  | 'lecunUniform'
  | 'orthogonal'
  | 'zeros'
  | 'ones'
  | 'randomUniform'
  | 'randomNormal';

/** Every initialiser name, for validation and error messages. */
export const INITIALIZER_NAMES: readonly InitializerName[] = [
  'glorotUniform',
  'glorotNormal',
  'heUniform',
  'heNormal',
  'lecunUniform',
  'orthogonal',
  'zeros',
  'ones',
  'randomUniform',
  'randomNormal',
];

/** Keras's RandomUniform / RandomNormal defaults. */
const RANDOM_UNIFORM_LIMIT = 0.05;
const RANDOM_NORMAL_STDDEV = 0.05;

/**
 * Standard deviation of a unit normal truncated to [−2, 2]; Keras divides by it so that the
 * truncated distribution keeps the variance asked for (VarianceScaling, `truncated_normal`).
 */
const TRUNCATED_NORMAL_STDDEV = 0.87962566103423978;

/** Checks that `name` is an initialiser name; otherwise a `ConfigError` naming `owner` and `option`, listing the allowed names. */
export function checkInitializerName(name: unknown, owner = 'initialize', option = 'initializer'): InitializerName {
  return checkChoice(owner, option, name, INITIALIZER_NAMES);
}

/**
 * Values for a weight of `shape` (row-major), drawn with `rng`.
 *
 * `fanIn`/`fanOut` are the fans of the weight in Keras's layout (for a recurrent kernel `[I, G·H]`:
 * `I` and `G·H`), used by the variance-scaling initialisers. `orthogonal` treats `shape` as
 * `[prod(shape[:-1]), shape[-1]]` like Keras: QR of a normal matrix with the sign of `diag(R)`
 * folded in, gain 1. An unknown name is a `ConfigError` listing the allowed names.
 */
export function initialize(
  name: InitializerName,
  shape: readonly number[],
  fanIn: number,
  fanOut: number,
  rng: Random,
): Float32Array {
  checkInitializerName(name);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ConfigError(`initialize('${name}') expected a shape of non-negative integers, got [${shape.join(', ')}]`);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  switch (name) {
    case 'zeros':
      return out;
    case 'ones':
      return out.fill(1);
    case 'randomUniform':
      return fillUniform(out, RANDOM_UNIFORM_LIMIT, rng);
    case 'randomNormal':
      for (let i = 0; i < size; i++) out[i] = RANDOM_NORMAL_STDDEV * rng.normal();
      return out;
    case 'glorotUniform':
      return fillUniform(out, Math.sqrt(6 / positiveFan(fanIn + fanOut, name)), rng);
    case 'heUniform':
      return fillUniform(out, Math.sqrt(6 / positiveFan(fanIn, name)), rng);
    case 'lecunUniform':
      return fillUniform(out, Math.sqrt(3 / positiveFan(fanIn, name)), rng);
    case 'glorotNormal':
      return fillTruncatedNormal(out, Math.sqrt(2 / positiveFan(fanIn + fanOut, name)), rng);
    case 'heNormal':
      return fillTruncatedNormal(out, Math.sqrt(2 / positiveFan(fanIn, name)), rng);
    case 'orthogonal':
      return fillOrthogonal(out, shape, rng);
  }
}

function positiveFan(fan: number, name: string): number {
  if (!(fan > 0)) throw new ConfigError(`initialize('${name}') needs a positive fan, got ${fan}`);
  return fan;
}

function fillUniform(out: Float32Array, limit: number, rng: Random): Float32Array {
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-limit, limit);
  return out;
}

/** Normal(0, stddev / 0.8796…) truncated at two of its standard deviations (Keras VarianceScaling). */
function fillTruncatedNormal(out: Float32Array, stddev: number, rng: Random): Float32Array {
  const scale = stddev / TRUNCATED_NORMAL_STDDEV;
  for (let i = 0; i < out.length; i++) {
    let z = rng.normal();
    while (Math.abs(z) > 2) z = rng.normal();
    out[i] = scale * z;
  }
  return out;
}

/**
 * Keras's Orthogonal: a normal matrix `A [max(r, c), min(r, c)]`, its QR with the signs of `diag(R)`
 * folded into Q, transposed when `r < c`. Gram–Schmidt yields exactly that Q (its R has a positive
 * diagonal); it runs twice per column in float64 so the columns stay orthogonal to rounding.
 *
 * `A` is held column by column (`q [n, m]`, row j = column j of A), so every pass is a contiguous,
 * cache-friendly sweep; see `orthonormalizeColumns` for the order of operations, which is exactly
 * that of the textbook loop, so the values are bit-for-bit those of the straightforward version.
 */
function fillOrthogonal(out: Float32Array, shape: readonly number[], rng: Random): Float32Array {
  if (shape.length < 2) {
    throw new ConfigError(`initialize('orthogonal') needs a shape of rank 2 or more, got [${shape.join(', ')}]`);
  }
  const cols = shape[shape.length - 1];
  const rows = out.length / Math.max(cols, 1);
  if (out.length === 0) return out;
  const m = Math.max(rows, cols); // rows of A
  const n = Math.min(rows, cols); // columns of A
  const q = new Float64Array(m * n); // [n, m]: q[j·m + i] = A[i, j]
  // Drawn in A's row-major order, so the values follow the seed as always.
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[j * m + i] = rng.normal();
  orthonormalizeColumns(q, m, n);
  if (rows < cols) {
    out.set(q); // out [rows, cols] = Qᵀ, and q is Qᵀ already: [n, m] = [rows, cols]
  } else {
    // out [rows, cols] = Q [m, n]
    for (let j = 0; j < n; j++) {
      const base = j * m;
      for (let i = 0; i < m; i++) out[i * n + j] = q[base + i];
    }
  }
  return out;
}

/**
 * Gram–Schmidt with one re-orthogonalisation, in place on the columns of `A [m, n]` held as the
 * rows of `q [n, m]`. Column j goes through, in this order: pass 0 — for k = 0 … j−1,
 * `d = Σᵢ q_k[i]·q_j[i]` (i ascending) then `q_j −= d·q_k`; pass 1 — the same again; then
 * `q_j /= ‖q_j‖` (`Σᵢ q_j[i]²`, i ascending). That is the textbook loop's exact sequence of float64
 * operations, scheduled differently for speed:
 *
 * - each subtraction sweep also accumulates the next operation's dot product (its element i is
 *   final as soon as it is written), so a column op is one sweep over m, not two;
 * - while column h runs its pass 1 over k = 0 … h−1, column h+1 runs its pass 0 over the same k in
 *   the same sweep (it needs only the finished columns 0 … h−1); two independent sums per sweep
 *   keep the CPU busy where one would wait on the previous addition. Column h+1 then takes its last
 *   pass-0 step, against column h, once h is normalised.
 *
 * O(m·n²) with contiguous access: LSTM(512)'s recurrent kernel ([2048, 512]) in about a second.
 */
function orthonormalizeColumns(q: Float64Array, m: number, n: number): void {
  let headDot = 0; // Σ q_0 · q_h: the dot of the head's first pass-1 op, from the step before
  for (let h = 0; h < n; h++) {
    const ch = h * m; // the head column: pass 1, then normalised
    const cf = ch + m; // the follower column h + 1: pass 0
    const follower = h + 1 < n;
    let norm = 0;
    if (h === 0) {
      for (let i = 0; i < m; i++) norm += q[i] * q[i];
    } else {
      let dh = headDot;
      let df = 0; // follower's pass 0 starts against column 0
      if (follower) for (let i = 0; i < m; i++) df += q[i] * q[cf + i];
      for (let k = 0; k < h - 1; k++) {
        const ck = k * m;
        const cn = ck + m; // column k + 1: the next op's dot, for both
        let nh = 0;
        if (follower) {
          let nf = 0;
          for (let i = 0; i < m; i++) {
            const a = q[ck + i];
            const b = q[cn + i];
            const v = q[ch + i] - dh * a;
            q[ch + i] = v;
            nh += b * v;
            const w = q[cf + i] - df * a;
            q[cf + i] = w;
            nf += b * w;
          }
          df = nf;
        } else {
          for (let i = 0; i < m; i++) {
            const v = q[ch + i] - dh * q[ck + i];
            q[ch + i] = v;
            nh += q[cn + i] * v;
          }
        }
        dh = nh;
      }
      // Last op k = h − 1: the head's sweep accumulates its norm; the follower's has no next dot yet.
      const ck = (h - 1) * m;
      if (follower) {
        for (let i = 0; i < m; i++) {
          const a = q[ck + i];
          const v = q[ch + i] - dh * a;
          q[ch + i] = v;
          norm += v * v;
          q[cf + i] -= df * a;
        }
      } else {
        for (let i = 0; i < m; i++) {
          const v = q[ch + i] - dh * q[ck + i];
          q[ch + i] = v;
          norm += v * v;
        }
      }
    }
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) q[ch + i] /= norm;
    if (follower) {
      // The follower's last pass-0 op, against the head just finished, fused with the dot of its
      // first pass-1 op (against column 0), which it needs as the next head.
      let d = 0;
      for (let i = 0; i < m; i++) d += q[ch + i] * q[cf + i];
      let next = 0;
      for (let i = 0; i < m; i++) {
        const w = q[cf + i] - d * q[ch + i];
        q[cf + i] = w;
        next += q[i] * w;
      }
      headDot = next;
    }
  }
}
