/**
 * Argument structs of the kernels, derived from the contract tables (`contract/`): each field's
 * type follows its entry there (a nullable buffer is `Float32Array | null`, a flag a `boolean`, …),
 * and each field's documentation is the table's. To add a field, add it to the table.
 *
 * Validation of sizes and lengths happens in `@rnn/core` (`validateKernelArgs`, a walk over the
 * tables) before a backend is called; the native addon checks the same rules before it touches memory.
 */
import type { Kernels } from './backend';
import type { ArgsOf } from './contract/fields';
import type { GEMM } from './contract/gemm-kernel';
import type * as recurrent from './contract/recurrent-kernels';

export type { ActivationName, CellKind } from './contract/cells';
export { ACTIVATION_NAMES, GATES } from './contract/cells';

/** What every recurrent forward call takes, whatever the cell. */
export interface RecurrentForwardBase extends ArgsOf<ReturnType<typeof recurrent.forwardFields>> {}

/** What every recurrent backward call takes, whatever the cell. */
export interface RecurrentBackwardBase extends ArgsOf<ReturnType<typeof recurrent.backwardFields>> {}

/** Sizes of one recurrent kernel call: T steps, B sequences, I input features, H hidden units. */
export interface SequenceDims extends Pick<RecurrentForwardBase, recurrent.SequenceSize> {}

/** SimpleRNN forward (see `RNN_FORWARD`). */
export interface RnnForwardArgs extends ArgsOf<typeof recurrent.RNN_FORWARD> {}
/** SimpleRNN backward: the gradients of {@link RnnForwardArgs}'s inputs and weights. */
export interface RnnBackwardArgs extends ArgsOf<typeof recurrent.RNN_BACKWARD> {}

/** LSTM forward, PyTorch gate order i, f, g, o, optional peepholes (see `LSTM_FORWARD`). */
export interface LstmForwardArgs extends ArgsOf<typeof recurrent.LSTM_FORWARD> {}
/** LSTM backward: the gradients of {@link LstmForwardArgs}'s inputs, states and weights. */
export interface LstmBackwardArgs extends ArgsOf<typeof recurrent.LSTM_BACKWARD> {}

/** GRU forward, PyTorch gate order r, z, n, reset after or before the recurrent GEMM (see `GRU_FORWARD`). */
export interface GruForwardArgs extends ArgsOf<typeof recurrent.GRU_FORWARD> {}
/** GRU backward: the gradients of {@link GruForwardArgs}'s inputs, state and weights. */
export interface GruBackwardArgs extends ArgsOf<typeof recurrent.GRU_BACKWARD> {}

/** Row-major single-precision GEMM, `c = alpha · op(a) · op(b) + beta · c` (see `GEMM`). */
export interface GemmArgs extends ArgsOf<typeof GEMM> {}

/** The argument struct of each kernel, by name. */
export type KernelArgs = { [K in keyof Kernels]: Parameters<Kernels[K]>[0] };
