import { ConfigError } from '../errors';
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

/** Checks that `name` is an initialiser name; otherwise a `ConfigError` listing the allowed names. */
export function checkInitializerName(name: unknown, option = 'initializer'): InitializerName {
  if (typeof name !== 'string' || !(INITIALIZER_NAMES as readonly string[]).includes(name)) {
    throw new ConfigError(
      `${option} must be one of ${INITIALIZER_NAMES.map((n) => `'${n}'`).join(', ')}, got ${JSON.stringify(name)}`,
    );
  }
  return name as InitializerName;
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
  if (rows >= cols) {
    for (let i = 0; i < a.length; i++) out[i] = a[i];
  } else {
    // out [rows, cols] = Qᵀ, Q [cols, rows]
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = a[c * n + r];
  }
  return out;
}
