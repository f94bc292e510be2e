/**
 * @rnn/backend-api: the typed contract between `@rnn/core` and its backends (`@rnn/fallback`, the
 * native addon). Types and a few constants only, no behaviour. It is a package of its own so that a
 * backend can depend on the contract without depending on core, which depends on the backends.
 */
export type { Backend, BackendDetails, BackendName, Kernels, AsyncKernels } from './backend';
export type {
  ActivationName,
  CellKind,
  SequenceDims,
  RecurrentForwardBase,
  RecurrentBackwardBase,
  RnnForwardArgs,
  RnnBackwardArgs,
  LstmForwardArgs,
  LstmBackwardArgs,
  GruForwardArgs,
  GruBackwardArgs,
  GemmArgs,
} from './kernel-args';
export { ACTIVATION_NAMES, GATES } from './kernel-args';
export { workspaceSize } from './workspace';
export type { NativeBinding, NativeBlasInfo } from './native-binding';
