/**
 * @rnn/backend-api: the typed contract between `@rnn/core` and its backends (`@rnn/fallback`, the
 * native addon). The contract is data (`contract/`): every kernel's fields with their kinds, shapes
 * and rules, from which the argument types derive; plus the error vocabulary of kernel arguments
 * and the base error classes. It is a package of its own so that a backend can depend on the
 * contract without depending on core, which depends on the backends.
 */
export type {
  AdamConstants,
  AsyncKernels,
  Backend,
  BackendDetails,
  BackendName,
  DataPasses,
  Kernels,
  OptimizerUpdates,
  ValueScan,
  WeightHolds,
} from './backend';
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
  KernelArgs,
} from './kernel-args';
export { ACTIVATION_NAMES, GATES } from './kernel-args';
export { WORKSPACE_BLOCKS } from './contract/cells';
export type {
  ActivationField,
  ArgsOf,
  BufferAccess,
  BufferField,
  BufferRole,
  Dim,
  Factor,
  FieldSpec,
  FieldTable,
  FlagField,
  ScalarField,
  Shape,
  SizeField,
  ValueOf,
} from './contract/fields';
export { productOf, shapeFactors } from './contract/fields';
export type { SequenceSize } from './contract/recurrent-kernels';
export { GRU_BACKWARD, GRU_FORWARD, LSTM_BACKWARD, LSTM_FORWARD, RNN_BACKWARD, RNN_FORWARD } from './contract/recurrent-kernels';
export type { GemmSize } from './contract/gemm-kernel';
export { GEMM } from './contract/gemm-kernel';
export type { KernelName, KernelSpec } from './contract/kernel-contract';
export { KERNEL_CONTRACT, KERNEL_NAMES, MAX_DIMENSION } from './contract/kernel-contract';
export type { FieldJson, KernelContractJson } from './contract/json';
export { kernelContractJson } from './contract/json';
export type { KernelIssue, KernelProblem } from './kernel-errors';
export {
  BUFFER_PROBLEMS,
  describeBuffer,
  fillTemplate,
  isKernelBuffer,
  KERNEL_MESSAGES,
  KernelArgumentError,
  KernelBufferError,
  kernelError,
  NEED_TEMPLATES,
} from './kernel-errors';
export { ConfigError, RnnError, ShapeError } from './errors';
export { describeValue } from './describe-value';
export { workspaceSize } from './workspace';
export type { NativeBinding, NativeBlasInfo, NativeCpuInfo, NativeCpuLevel } from './native-binding';
