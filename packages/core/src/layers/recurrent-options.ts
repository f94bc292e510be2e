import type { GatedCellOptions } from '../cells/cell-options';
import { checkBoolean } from '../cells/cell-options';
import { ConfigError } from '../errors';

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

/** Validates the layer-level options of the layer called `owner`. */
export function resolveLayerOptions(owner: string, options: RecurrentLayerOptions): ResolvedLayerOptions {
  return {
    returnSequences: checkBoolean(owner, 'returnSequences', options.returnSequences, false),
    returnState: checkBoolean(owner, 'returnState', options.returnState, false),
    goBackwards: checkBoolean(owner, 'goBackwards', options.goBackwards, false),
    stateful: checkBoolean(owner, 'stateful', options.stateful, false),
    dropout: checkRate(owner, 'dropout', options.dropout),
    recurrentDropout: checkRate(owner, 'recurrentDropout', options.recurrentDropout),
    inputShape: checkInputShape(owner, options.inputShape),
  };
}

function checkRate(owner: string, option: string, value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new ConfigError(`${owner}: ${option} must be a number in [0, 1), got ${JSON.stringify(value)}`);
  }
  return value;
}

/** `[steps | null, features]` with positive integers, or absent. */
export function checkInputShape(owner: string, value: unknown): [number | null, number] | null {
  if (value === undefined || value === null) return null;
  const positive = (d: unknown): boolean => typeof d === 'number' && Number.isInteger(d) && d > 0;
  if (!Array.isArray(value) || value.length !== 2 || !(value[0] === null || positive(value[0])) || !positive(value[1])) {
    throw new ConfigError(`${owner}: inputShape must be [steps | null, features] with positive integers, got ${JSON.stringify(value)}`);
  }
  return [value[0], value[1]];
}
