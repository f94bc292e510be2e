import { ConfigError } from '../errors';
import { checkChoice } from '../options';
import { transpose2d } from '../layers/sequence-layout';
import type { Random } from '../random';
import { orthogonalInBackground, runsInBackground } from './background-init';
import { orthogonalValues } from './orthogonal';

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

/** Depth of `withoutInitializers` calls running: builds inside allocate weights but draw nothing. */
let skipping = 0;

/**
 * Runs `build` with every initialiser switched off: weights are allocated (zeros), nothing is drawn
 * or computed. For loaders that overwrite every weight right after (`loadModel`), so a model file
 * declaring a huge layer costs no initialisation at all.
 */
export function withoutInitializers<T>(build: () => T): T {
  skipping++;
  try {
    return build();
  } finally {
    skipping--;
  }
}

/**
 * A weight drawn in Keras's layout `[rows, cols]` — so fans and orthogonality mean what they mean in
 * Keras — and returned in PyTorch's, `[cols, rows]`. A large orthogonal weight is computed on a
 * worker thread (see `background-init.ts`): its values arrive later, the same values bit for bit.
 */
export function initializeTransposed(name: InitializerName, rows: number, cols: number, fanIn: number, fanOut: number, rng: Random): Float32Array {
  if (skipping > 0) return new Float32Array(rows * cols); // see withoutInitializers
  if (name === 'orthogonal' && runsInBackground(rows, cols)) return orthogonalInBackground(rows, cols, rng);
  return transpose2d(initialize(name, [rows, cols], fanIn, fanOut, rng), rows, cols);
}

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
  if (skipping > 0) return out; // see withoutInitializers
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

/** Keras's Orthogonal over `[prod(shape[:-1]), shape[-1]]` (see `orthogonalValues`). */
function fillOrthogonal(out: Float32Array, shape: readonly number[], rng: Random): Float32Array {
  if (shape.length < 2) {
    throw new ConfigError(`initialize('orthogonal') needs a shape of rank 2 or more, got [${shape.join(', ')}]`);
  }
  const cols = shape[shape.length - 1];
  orthogonalValues(out, out.length / Math.max(cols, 1), cols, rng, false);
  return out;
}
