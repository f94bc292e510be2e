import type { AsyncKernels, Backend, BackendDetails, NativeBinding } from '@rnn/backend-api';

export type { NativeBinding };

/** Every function a binding must export, for checking a loaded addon before trusting it. */
export const NATIVE_BINDING_FUNCTIONS: readonly (keyof NativeBinding)[] = [
  'lstmForward',
  'lstmBackward',
  'gruForward',
  'gruBackward',
  'rnnForward',
  'rnnBackward',
  'gemm',
  'lstmForwardAsync',
  'lstmBackwardAsync',
  'gruForwardAsync',
  'gruBackwardAsync',
  'rnnForwardAsync',
  'rnnBackwardAsync',
  'gemmAsync',
  'setNumThreads',
  'getNumThreads',
  'blasInfo',
];

/**
 * The native backend over a loaded addon. The addon validates every argument again before it
 * touches memory, so a wrong call throws `TypeError`/`RangeError` instead of crashing.
 */
export function createNativeBackend(binding: NativeBinding): Backend {
  const asyncKernels: AsyncKernels = {
    lstmForward: (args) => binding.lstmForwardAsync(args),
    lstmBackward: (args) => binding.lstmBackwardAsync(args),
    gruForward: (args) => binding.gruForwardAsync(args),
    gruBackward: (args) => binding.gruBackwardAsync(args),
    rnnForward: (args) => binding.rnnForwardAsync(args),
    rnnBackward: (args) => binding.rnnBackwardAsync(args),
    gemm: (args) => binding.gemmAsync(args),
  };
  const backend = {
    name: 'native' as const,
    lstmForward: (args) => binding.lstmForward(args),
    lstmBackward: (args) => binding.lstmBackward(args),
    gruForward: (args) => binding.gruForward(args),
    gruBackward: (args) => binding.gruBackward(args),
    rnnForward: (args) => binding.rnnForward(args),
    rnnBackward: (args) => binding.rnnBackward(args),
    gemm: (args) => binding.gemm(args),
    async: asyncKernels,
    details: (): BackendDetails => ({ name: 'native', threads: binding.getNumThreads(), blas: binding.blasInfo().blas }),
    setThreads: (threads: number) => binding.setNumThreads(threads),
  } satisfies Backend;
  return backend;
}
