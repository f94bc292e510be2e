import type { Backend } from '@rnn/backend-api';
import type { Tensor, TensorLike } from '../tensor';
import { optionKeys } from '../options';
import type { LayerValue } from './time-major';

/** Options of `apply()`. */
export interface ApplyOptions {
  /** Initial states `[h]` or `[h, c]`, each `[batch, units]`; zeros (or the stateful carry) when absent. */
  initialState?: TensorLike[];
  /** Training pass: dropout active, and `backward` may follow (default false). */
  training?: boolean;
  /** Step mask `[batch, steps]` (1 = real step, 0 = padding). */
  mask?: Float32Array | null;
  /** Backend to run on; defaults to `getBackend()`. */
  backend?: Backend;
}

/** The keys of `ApplyOptions`. */
export const APPLY_OPTION_KEYS = optionKeys<ApplyOptions>({ initialState: true, training: true, mask: true, backend: true });

/** What `apply()` returns: the output and the final states (`[h]` or `[h, c]`, each `[batch, units]`). */
export interface ApplyResult {
  output: Tensor;
  states: Tensor[];
  /** Step mask flowing on (`[batch, steps]`), with `returnSequences` and a mask in. */
  mask: Float32Array | null;
}

/** A sequence pass's result inside a model: `ApplyResult` with the output in the form asked for. */
export interface SequenceResult extends Omit<ApplyResult, 'output'> {
  output: LayerValue;
}
