import type { ActivationName, CellKind } from '@rnn/backend-api';
import type { DenseActivationName } from '../../../layers/activations';
import type { ConstTensor } from '../proto/tensor-data';

/**
 * What the importer knows about each tensor of a graph while it walks the nodes in order: a
 * constant (computed), a value known only at run time from shapes (glue: batch sizes, state
 * shapes), a tensor of zeros of run-time shape (initial states), or the model's data.
 */
export type Value = { kind: 'const'; tensor: ConstTensor } | { kind: 'runtime' } | { kind: 'zeros' } | DataValue;

/**
 * The layouts the data takes between layers:
 * - `ids` `[B, T]` token ids, `BTF` `[B, T, F]`, `TBF` `[T, B, F]`, `BF` `[B, F]`;
 * - `TDBH` a recurrent node's `Y` `[T, D, B, H]`, `TBDH` the same transposed `[T, B, D, H]`;
 * - `DBH` a recurrent node's final state `[D, B, H]`.
 */
export type Layout = 'ids' | 'BTF' | 'TBF' | 'BF' | 'TDBH' | 'TBDH' | 'DBH';

/** The model's data as it flows through the graph. */
export interface DataValue {
  kind: 'data';
  layout: Layout;
  /** Size of the last axis (features, units, or `H` for `TDBH`/`TBDH`/`DBH`). */
  width: number;
  /** Directions `D` of `TDBH`/`TBDH`/`DBH`. */
  directions: number;
  /** The layer this value is the output of, when only layout glue came after it. */
  from: LayerSpec | null;
  /** Set once a node has taken this value as its data input: a Sequential is a chain, not a graph. */
  consumed: boolean;
}

/** A layer the importer found, before it becomes an @rnn layer. */
export type LayerSpec = EmbeddingSpec | RecurrentSpec | DenseSpec;

export interface EmbeddingSpec {
  type: 'embedding';
  /** [inputDim, outputDim] */
  table: ConstTensor;
}

/** A recurrent node's layer, weights still in ONNX's layout and gate order. */
export interface RecurrentSpec {
  type: 'recurrent';
  /** The node, for messages. */
  node: string;
  kind: CellKind;
  units: number;
  directions: 1 | 2;
  /** ONNX direction `reverse` (one direction only): our `goBackwards`. */
  reverse: boolean;
  /** [D, G·H, I] */
  W: ConstTensor;
  /** [D, G·H, H] */
  R: ConstTensor;
  /** [D, 2·G·H], or null without bias. */
  B: ConstTensor | null;
  /** [D, 3H], LSTM peepholes, or null. */
  P: ConstTensor | null;
  activation: ActivationName;
  recurrentActivation: ActivationName;
  /** GRU: `linear_before_reset = 1`. */
  resetAfter: boolean;
  returnSequences: boolean;
}

export interface DenseSpec {
  type: 'dense';
  /** [in, out] */
  kernel: ConstTensor;
  /** [out], or null. */
  bias: ConstTensor | null;
  activation: DenseActivationName;
}

/** A new data value. */
export function data(layout: Layout, width: number, from: LayerSpec | null, directions = 1): DataValue {
  return { kind: 'data', layout, width, directions, from, consumed: false };
}

const LAYOUT_WORDS: Readonly<Record<Layout, string>> = {
  ids: 'token ids [batch, steps]',
  BTF: 'a [batch, steps, features] sequence',
  TBF: 'a [steps, batch, features] sequence',
  BF: 'a [batch, features] tensor',
  TDBH: 'a recurrent output [steps, directions, batch, units]',
  TBDH: 'a [steps, batch, directions, units] tensor',
  DBH: 'a final state [directions, batch, units]',
};

/** A layout in words, for messages. */
export function describeLayout(layout: Layout): string {
  return LAYOUT_WORDS[layout];
}
