import type { GatedCellOptions } from '../cells/cell-options';
import { checkBoolean, checkNumber, optionError } from '../options';

/** Options every recurrent layer takes (Keras vocabulary); the cell options come along. */
export interface RecurrentLayerOptions extends GatedCellOptions {
  /** Return the whole output sequence `[batch, steps, units]` instead of the last output `[batch, units]`. */
  returnSequences?: boolean;
  /** `apply()` also returns the final states (`[h]` or `[h, c]`). */
  returnState?: boolean;
  /** Process the sequence backwards; the output sequence is in processing order (reversed), like Keras. */
  goBackwards?: boolean;
  /** Carry the final states of one batch into the next (fixed batch size); `resetStates()` clears them. */
  stateful?: boolean;
  /** Fraction of input features dropped while training (one mask per sequence, shared over time). */
  dropout?: number;
  /** Fraction of the recurrent state dropped while training (one mask per sequence, shared over time). */
  recurrentDropout?: number;
  /** Shape of one sample, `[steps | null, features]`, for a first layer. */
  inputShape?: readonly [number | null, number];
  /** Layer name; defaults to a unique Keras-style name such as `lstm_1`. */
  name?: string;
}

/** The layer-level options, validated, with defaults filled in. */
export interface ResolvedLayerOptions {
  returnSequences: boolean;
  returnState: boolean;
  goBackwards: boolean;
  stateful: boolean;
  dropout: number;
  recurrentDropout: number;
  inputShape: [number | null, number] | null;
}

/** The layer-level keys of `RecurrentLayerOptions` (the cell's keys come from the cell). */
export const RECURRENT_LAYER_OPTION_KEYS = [
  'returnSequences',
  'returnState',
  'goBackwards',
  'stateful',
  'dropout',
  'recurrentDropout',
  'inputShape',
  'name',
] satisfies readonly (keyof RecurrentLayerOptions)[];

/** Validates the layer-level options of the layer called `owner`. */
export function resolveLayerOptions(owner: string, options: RecurrentLayerOptions): ResolvedLayerOptions {
  return {
    returnSequences: checkBoolean(owner, 'returnSequences', options.returnSequences, false),
    returnState: checkBoolean(owner, 'returnState', options.returnState, false),
    goBackwards: checkBoolean(owner, 'goBackwards', options.goBackwards, false),
    stateful: checkBoolean(owner, 'stateful', options.stateful, false),
    dropout: checkNumber(owner, 'dropout', options.dropout ?? 0, { min: 0, below: 1 }),
    recurrentDropout: checkNumber(owner, 'recurrentDropout', options.recurrentDropout ?? 0, { min: 0, below: 1 }),
    inputShape: checkInputShape(owner, options.inputShape),
  };
}

/** `[steps | null, features]` with positive integers, or absent. */
export function checkInputShape(owner: string, value: unknown): [number | null, number] | null {
  if (value === undefined || value === null) return null;
  const positive = (d: unknown): boolean => typeof d === 'number' && Number.isInteger(d) && d > 0;
  if (!Array.isArray(value) || value.length !== 2 || !(value[0] === null || positive(value[0])) || !positive(value[1])) {
    optionError(owner, 'inputShape', '[steps | null, features] with positive integers', value);
  }
  return [value[0], value[1]];
}
