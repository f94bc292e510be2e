import type { Kernels } from '../backend';
import { type CellKind, GATES } from './cells';
import type { Factor, FieldTable } from './fields';
import { GEMM, type GemmSize } from './gemm-kernel';
import {
  GRU_BACKWARD,
  GRU_FORWARD,
  LSTM_BACKWARD,
  LSTM_FORWARD,
  RNN_BACKWARD,
  RNN_FORWARD,
  type SequenceSize,
} from './recurrent-kernels';

/**
 * The kernel contract as data: for every kernel, its fields (kind, and for buffers role, access,
 * shape, nullability and pairing) and the size products that must fit BLAS's 32-bit int. The
 * argument types derive from it (`kernel-args.ts`), core's validator walks it, the native addon
 * reads the same rules (`kernelContractJson()` exports them).
 *
 * A call is checked in this order, and the first failure is the error (both validators agree on it):
 * 1. the argument is an object;
 * 2. every `size` field, in table order: a positive safe integer;
 * 3. every limit, in order: the product of its sizes is at most `MAX_DIMENSION`;
 * 4. every `flag`, `scalar` and `activation` field, in table order;
 * 5. every buffer, in table order: present (or `null` where nullable), a `Float32Array` over an
 *    attached, non-shared `ArrayBuffer`, of exactly its shape's length (at least, for `atLeast`);
 * 6. every pair, in the table order of the field declaring it (`pairedWith`): both `null` or both given;
 * 7. every written or accumulated buffer, in table order, against every other buffer in table
 *    order: no shared byte.
 * A field that is absent is `undefined` and fails its own check; fields the table does not name
 * are ignored. Lengths are exact up to 2^53; a longer one cannot match any array and fails the
 * length check of its buffer.
 */

/** The largest value a size product may have: BLAS takes sizes and leading dimensions as 32-bit ints. */
export const MAX_DIMENSION = 2147483647;

/** One kernel's table. */
export interface KernelSpec<S extends string = string, F extends FieldTable<S> = FieldTable<S>> {
  /** Products of sizes that reach BLAS as one int; each must be at most `MAX_DIMENSION`. */
  readonly limits: readonly (readonly Factor<S>[])[];
  /** The argument struct's fields. */
  readonly fields: F;
}

/** T·B rows of the all-steps GEMMs, B·H of a step, G·H gate columns, I input columns. */
function recurrentLimits(cell: CellKind): readonly (readonly Factor<SequenceSize>[])[] {
  return [['T', 'B'], ['B', 'H'], [GATES[cell], 'H'], ['I']];
}

const GEMM_LIMITS: readonly (readonly Factor<GemmSize>[])[] = [['M'], ['N'], ['K']];

/** Every kernel of the `Kernels` interface, by name. */
export const KERNEL_CONTRACT = {
  lstmForward: { limits: recurrentLimits('lstm'), fields: LSTM_FORWARD },
  lstmBackward: { limits: recurrentLimits('lstm'), fields: LSTM_BACKWARD },
  gruForward: { limits: recurrentLimits('gru'), fields: GRU_FORWARD },
  gruBackward: { limits: recurrentLimits('gru'), fields: GRU_BACKWARD },
  rnnForward: { limits: recurrentLimits('rnn'), fields: RNN_FORWARD },
  rnnBackward: { limits: recurrentLimits('rnn'), fields: RNN_BACKWARD },
  gemm: { limits: GEMM_LIMITS, fields: GEMM },
} as const satisfies { readonly [K in keyof Kernels]: KernelSpec };

/** Names of the kernels, as the `Kernels` interface spells them. */
export type KernelName = keyof Kernels;

/** Every kernel name, in the contract's order. */
export const KERNEL_NAMES: readonly KernelName[] = ['lstmForward', 'lstmBackward', 'gruForward', 'gruBackward', 'rnnForward', 'rnnBackward', 'gemm'];
