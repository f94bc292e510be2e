import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fallbackBackend } from '@rnn/fallback';
import { getBackend } from '../../src/backend/select';
import { checkedBackend } from '../../src/backend/validate';
import type { RunContext } from '../../src/layers/layer';
import { Random } from '../../src/random';
import { Tensor } from '../../src/tensor';

/**
 * The backend under test, with every kernel call validated against the contract first: the fallback,
 * or the native addon (its async kernels) when the run sets `RNN_BACKEND=native`.
 */
export const backend = checkedBackend(process.env.RNN_BACKEND === 'native' ? getBackend() : fallbackBackend);

/** A run context on the checked fallback backend. */
export function context(training: boolean, seed = 0): RunContext {
  return { backend, training, rng: new Random(seed) };
}

/** A stored tensor: shape and flat row-major values. */
export interface StoredTensor {
  shape: number[];
  data: number[];
}

/** One case of fixtures/layers.json (see tools/fixtures/layers.py). */
export interface LayerCase {
  name: string;
  cell: 'lstm' | 'gru' | 'rnn_tanh' | 'rnn_relu';
  variant: string;
  returnSequences: boolean;
  goBackwards: boolean;
  bidirectional: boolean;
  numLayers: number;
  weights: Record<string, StoredTensor>;
  x: StoredTensor;
  output: StoredTensor;
  h_n: StoredTensor;
  c_n?: StoredTensor;
  h0?: StoredTensor;
  c0?: StoredTensor;
  dy: StoredTensor;
  dx: StoredTensor;
  dweights: Record<string, StoredTensor>;
}

/** The PyTorch layer fixture. */
export function loadLayerFixture(): { torch: string; cases: LayerCase[] } {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', 'layers.json'), 'utf8'));
}

/** A stored tensor as a `Tensor`. */
export function tensor(t: StoredTensor): Tensor {
  return new Tensor(Float32Array.from(t.data), t.shape);
}

/** Slice `index` of the leading axis of a stored tensor (e.g. one layer-direction of h_n). */
export function slice(t: StoredTensor, index: number): Tensor {
  const size = t.shape.slice(1).reduce((a, b) => a * b, 1);
  return new Tensor(Float32Array.from(t.data.slice(index * size, (index + 1) * size)), t.shape.slice(1));
}

/** Uniform values in [-scale, scale) from a seeded generator, as a tensor of `shape`. */
export function randomTensor(shape: number[], seed: number, scale = 1): Tensor {
  const rng = new Random(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return new Tensor(Float32Array.from({ length: size }, () => rng.uniform(-scale, scale)), shape);
}

/** Sum of a ⊙ b, in float64. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
