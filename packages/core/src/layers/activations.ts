import { checkChoice } from '../options';

/**
 * Pointwise activations for `Dense` (and anything else that needs one outside a recurrent kernel),
 * by Keras 3 name, each with its backward. Math runs in float64 and is stored as float32.
 *
 * Conventions match PyTorch where Keras and PyTorch agree, and Keras 3 where they differ:
 * - `hardSigmoid` is Keras 3's `clip(x / 6 + 0.5, 0, 1)` (= `torch.nn.functional.hardsigmoid`).
 * - `gelu` is the exact form `x · Φ(x)` with the erf (Keras 3 `approximate=False`, `torch` default).
 * - `leakyRelu` uses Keras 3's default slope 0.2 (PyTorch's default is 0.01).
 * - at kinks (relu at 0, hardSigmoid at ±3) the derivative is PyTorch's: the flat side.
 */

/** Every activation name `Dense` accepts. Keras snake_case aliases are listed in `ACTIVATION_ALIASES`. */
export type DenseActivationName =
  | 'linear'
  | 'relu'
  | 'tanh'
  | 'sigmoid'
  | 'softmax'
  | 'hardSigmoid'
  | 'elu'
  | 'selu'
  | 'gelu'
  | 'softplus'
  | 'softsign'
  | 'swish'
  | 'silu'
  | 'leakyRelu';

/** An activation with its forward and backward over a row-major buffer whose last axis has `lastDim` values. */
export interface Activation {
  readonly name: DenseActivationName;
  /** Writes `y = f(z)`; `z` and `y` are `[rows, lastDim]` and may be the same buffer. */
  forward(z: Float32Array, y: Float32Array, lastDim: number): void;
  /** Writes `dz = dy · f'(z)` (a Jacobian-vector product for softmax); `z` is the input, `y` the output. */
  backward(z: Float32Array, y: Float32Array, dy: Float32Array, dz: Float32Array, lastDim: number): void;
}

const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;
const LEAKY_RELU_SLOPE = 0.2;
const INV_SQRT_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Logistic sigmoid, stable for large |x|. */
function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * erf(x) to ~1e-15: for |x| < 3 the all-positive series `2/√π · e^{-x²} Σ (2x²)^n x / (1·3·…·(2n+1))`
 * (no cancellation), beyond it the continued fraction of erfc.
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    const x2 = ax * ax;
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200 && term > sum * 1e-17; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
    }
    const value = (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
    return x < 0 ? -value : value;
  }
  // erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), evaluated bottom-up.
  let fraction = ax;
  for (let k = 60; k >= 1; k--) fraction = ax + k / 2 / fraction;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / fraction;
  return x < 0 ? erfc - 1 : 1 - erfc;
}

/** An activation whose derivative at each element depends only on that element's input and output. */
function elementwise(
  name: DenseActivationName,
  f: (z: number) => number,
  derivative: (z: number, y: number) => number,
): Activation {
  return {
    name,
    forward(z, y) {
      for (let i = 0; i < z.length; i++) y[i] = f(z[i]);
    },
    backward(z, y, dy, dz) {
      for (let i = 0; i < z.length; i++) dz[i] = dy[i] * derivative(z[i], y[i]);
    },
  };
}

/** Softmax over the last axis, shifted by the row maximum so large logits do not overflow. */
const softmax: Activation = {
  name: 'softmax',
  forward(z, y, lastDim) {
    for (let row = 0; row < z.length; row += lastDim) {
      let max = -Infinity;
      for (let j = 0; j < lastDim; j++) max = Math.max(max, z[row + j]);
      let sum = 0;
      const exps = new Float64Array(lastDim); // [lastDim]
      for (let j = 0; j < lastDim; j++) {
        exps[j] = Math.exp(z[row + j] - max);
        sum += exps[j];
      }
      for (let j = 0; j < lastDim; j++) y[row + j] = exps[j] / sum;
    }
  },
  backward(_z, y, dy, dz, lastDim) {
    // dz_j = y_j · (dy_j − Σ_k dy_k y_k)
    for (let row = 0; row < y.length; row += lastDim) {
      let dot = 0;
      for (let j = 0; j < lastDim; j++) dot += dy[row + j] * y[row + j];
      for (let j = 0; j < lastDim; j++) dz[row + j] = y[row + j] * (dy[row + j] - dot);
    }
  },
};

const swish = elementwise(
  'swish',
  (z) => z * sigmoid(z),
  (z) => {
    const s = sigmoid(z);
    return s + z * s * (1 - s);
  },
);

const ACTIVATIONS: Readonly<Record<DenseActivationName, Activation>> = {
  linear: elementwise('linear', (z) => z, () => 1),
  relu: elementwise('relu', (z) => (z > 0 ? z : 0), (z) => (z > 0 ? 1 : 0)),
  tanh: elementwise('tanh', Math.tanh, (_z, y) => 1 - y * y),
  sigmoid: elementwise('sigmoid', sigmoid, (_z, y) => y * (1 - y)),
  softmax,
  hardSigmoid: elementwise(
    'hardSigmoid',
    (z) => Math.min(1, Math.max(0, z / 6 + 0.5)),
    (z) => (z > -3 && z < 3 ? 1 / 6 : 0),
  ),
  elu: elementwise('elu', (z) => (z > 0 ? z : Math.expm1(z)), (z) => (z > 0 ? 1 : Math.exp(z))),
  selu: elementwise(
    'selu',
    (z) => SELU_SCALE * (z > 0 ? z : SELU_ALPHA * Math.expm1(z)),
    (z) => SELU_SCALE * (z > 0 ? 1 : SELU_ALPHA * Math.exp(z)),
  ),
  gelu: elementwise(
    'gelu',
    (z) => 0.5 * z * (1 + erf(z * INV_SQRT_2)),
    (z) => 0.5 * (1 + erf(z * INV_SQRT_2)) + z * INV_SQRT_2PI * Math.exp(-0.5 * z * z),
  ),
  softplus: elementwise('softplus', (z) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))), (z) => sigmoid(z)),
  softsign: elementwise(
    'softsign',
    (z) => z / (1 + Math.abs(z)),
    (z) => 1 / ((1 + Math.abs(z)) * (1 + Math.abs(z))),
  ),
  swish,
  silu: { ...swish, name: 'silu' },
  leakyRelu: elementwise(
    'leakyRelu',
    (z) => (z > 0 ? z : LEAKY_RELU_SLOPE * z),
    (z) => (z > 0 ? 1 : LEAKY_RELU_SLOPE),
  ),
};

/** Keras snake_case spellings accepted for the camelCase names. */
export type DenseActivationAlias = 'hard_sigmoid' | 'leaky_relu';

/** Keras snake_case spellings accepted for the camelCase names. */
export const ACTIVATION_ALIASES: Readonly<Record<DenseActivationAlias, DenseActivationName>> = {
  hard_sigmoid: 'hardSigmoid',
  leaky_relu: 'leakyRelu',
};

/** Every name `getActivation` accepts, canonical names first. */
export const DENSE_ACTIVATION_NAMES: readonly string[] = [...Object.keys(ACTIVATIONS), ...Object.keys(ACTIVATION_ALIASES)];

/**
 * The activation called `name` (camelCase or Keras snake_case). An unknown name is a `ConfigError`
 * that names `owner` and `option` (e.g. `dense_1: activation`) and lists the allowed names.
 */
export function getActivation(name: unknown, owner = 'getActivation', option = 'activation'): Activation {
  if (typeof name === 'string') {
    const own = (table: object): boolean => Object.prototype.hasOwnProperty.call(table, name);
    if (own(ACTIVATIONS)) return ACTIVATIONS[name as DenseActivationName];
    if (own(ACTIVATION_ALIASES)) return ACTIVATIONS[ACTIVATION_ALIASES[name as DenseActivationAlias]];
  }
  return checkChoice(owner, option, name, DENSE_ACTIVATION_NAMES) as never;
}
