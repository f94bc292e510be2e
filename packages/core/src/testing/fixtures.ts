import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActivationName, CellKind } from '@rnn/backend-api';

/**
 * Typed access to the PyTorch reference fixtures written by `tools/fixtures/generate.py`.
 * The JSON files sit next to this file in `fixtures/`; they are committed, never regenerated in CI.
 */

/** The fixture format this loader reads (the `format` field of each file's header). */
export const FIXTURE_FORMAT = 1;

/** A tensor as stored in a fixture: its shape and its values, flat and row-major. */
export interface FixtureTensor {
  shape: number[];
  data: number[];
}

/** Options of a kernel case, in the kernel's vocabulary. */
export interface KernelCaseOptions {
  activation: ActivationName;
  /** LSTM and GRU only. */
  recurrentActivation?: ActivationName;
  /** Process the sequence backwards (Keras `goBackwards`): every direction is flipped. */
  reverse: boolean;
  useBias: boolean;
  /** LSTM only. */
  peephole?: boolean;
  /** GRU only. */
  resetAfter?: boolean;
}

/**
 * One reference case: a stack of `layers` recurrent layers of `directions` directions each
 * (direction 1 is the reverse kernel with PyTorch's `*_reverse` weights). Tensors are time-major.
 */
export interface KernelCase {
  name: string;
  cell: CellKind;
  layers: number;
  directions: 1 | 2;
  dims: { T: number; B: number; I: number; H: number };
  options: KernelCaseOptions;
  /** `torch.nn` when nn.LSTM/GRU/RNN computed it, else the script's own cell loop. */
  reference: string;
  inputs: {
    /** [T, B, I] */
    x: FixtureTensor;
    /** [L·D, B, H], or null for zeros. */
    h0: FixtureTensor | null;
    /** [L·D, B, H] (LSTM), or null for zeros. */
    c0: FixtureTensor | null;
    /** [T, B] step mask applied to every kernel call, or null. */
    mask: FixtureTensor | null;
    /** [B, H] recurrent dropout mask applied to every kernel call, or null. */
    recurrentMask: FixtureTensor | null;
  };
  /** PyTorch names: `weight_ih_l0 [G·H, in]`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, `peephole_l0 [3H]`, `*_reverse`. */
  weights: Record<string, FixtureTensor>;
  outputs: {
    /** [T, B, D·H] output of the last layer. */
    y: FixtureTensor;
    /** [L·D, B, H] */
    hT: FixtureTensor;
    /** [L·D, B, H] (LSTM), else null. */
    cT: FixtureTensor | null;
  };
  /** The loss is sum(y·dy) + sum(hT·dhT) + sum(cT·dcT). */
  upstream: { dy: FixtureTensor; dhT: FixtureTensor; dcT: FixtureTensor | null };
  /** dL/d(x, h0, c0 and every weight), by the same names (h0/c0 also when they were null = zeros). */
  gradients: Record<string, FixtureTensor>;
}

/** A small model (recurrent layer, last step, then Dense(1)) trained a few steps by PyTorch in float64. */
export interface TrainingCase {
  name: string;
  /** `rnn` is SimpleRNN with tanh. */
  cell: CellKind;
  units: number;
  /** [steps, features] of one sample. */
  inputShape: [number, number];
  loss: 'mse';
  optimizer:
    | { name: 'sgd'; learningRate: number; momentum?: number }
    | { name: 'adam'; learningRate: number; beta1: number; beta2: number; epsilon: number };
  /** [batch, steps, features] batch-first. */
  x: FixtureTensor;
  /** [batch, 1] */
  y: FixtureTensor;
  /** Keys as Sequential exposes them: `0.weight_ih_l0`, …, `1.weight`, `1.bias`. */
  initialStateDict: Record<string, FixtureTensor>;
  /** [batch, 1] predictions with the initial weights. */
  initialPredictions: FixtureTensor;
  /** After each optimizer step: the loss of the batch before the update, and the updated weights. */
  steps: { loss: number; stateDict: Record<string, FixtureTensor> }[];
}

interface FixtureFile<C> {
  format: number;
  torch: string;
  generator: string;
  cases: C[];
}

function readFixtureFile<C>(file: string): FixtureFile<C> {
  const path = join(__dirname, 'fixtures', file);
  const doc = JSON.parse(readFileSync(path, 'utf8')) as FixtureFile<C>;
  if (doc.format !== FIXTURE_FORMAT) {
    throw new Error(`${file}: fixture format ${doc.format}, this loader reads format ${FIXTURE_FORMAT}`);
  }
  return doc;
}

/** The reference cases of one cell's kernels (`kernels-<cell>.json`). */
export function loadKernelCases(cell: CellKind): KernelCase[] {
  return readFixtureFile<KernelCase>(`kernels-${cell}.json`).cases;
}

/** The training-parity cases (`training.json`). */
export function loadTrainingCases(): TrainingCase[] {
  return readFixtureFile<TrainingCase>('training.json').cases;
}

/** A fixture tensor's values as a fresh `Float32Array` (null stays null). */
export function f32(t: FixtureTensor): Float32Array;
export function f32(t: FixtureTensor | null): Float32Array | null;
export function f32(t: FixtureTensor | null): Float32Array | null {
  return t === null ? null : Float32Array.from(t.data);
}
