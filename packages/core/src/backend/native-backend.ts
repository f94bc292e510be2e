import {
  type Backend,
  type BackendDetails,
  BUFFER_PROBLEMS,
  type KernelArgs,
  KernelArgumentError,
  KernelBufferError,
  type KernelIssue,
  type KernelName,
  type NativeBinding,
  RnnError,
} from '@rnn/backend-api';
import { type PerKernel, perKernel } from './validate';

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
  'loneRows',
  'blasInfo',
  'cpuInfo',
  'setCpuLevel',
  'firstNonFinite',
  'toTimeMajor',
  'scanValues',
  'adamUpdate',
];

/**
 * The addon's own errors as the contract's classes: a kernel-argument error (it carries `issue`)
 * becomes a `KernelBufferError` or `KernelArgumentError` with the same message, a failed kernel
 * (code `RNN_KERNEL_FAILED`, e.g. out of memory) an `RnnError`. Anything else (an exception thrown
 * by a getter of the caller's argument object) passes through unchanged. `asyncKernel`: the kernel
 * whose `Async` export threw (the addon's messages name the export).
 */
export function nativeError(error: unknown, asyncKernel?: KernelName): unknown {
  const e = error as { message?: unknown; issue?: KernelIssue; code?: unknown } | null;
  if (typeof e !== 'object' || e === null || typeof e.message !== 'string') return error;
  if (e.issue !== undefined && typeof e.issue.problem === 'string') {
    const issue: KernelIssue = { kernel: e.issue.kernel, field: e.issue.field, problem: e.issue.problem };
    // The addon names the function it exports (`gemmAsync: ...`); the backend's async kernels are
    // the contract's kernels, so their errors name the kernel, as core's validator does.
    const exported = `${asyncKernel}Async: `;
    const message = asyncKernel && e.message.startsWith(exported) ? `${asyncKernel}: ${e.message.slice(exported.length)}` : e.message;
    return BUFFER_PROBLEMS.includes(issue.problem) ? new KernelBufferError(message, issue) : new KernelArgumentError(message, issue);
  }
  return e.code === 'RNN_KERNEL_FAILED' ? new RnnError(e.message) : error;
}

/**
 * The native backend over a loaded addon. The addon validates every argument before it touches
 * memory, by the same contract tables as core's validator (which therefore does not run again for
 * native calls: select.ts): a wrong call throws the same `KernelBufferError`/`KernelArgumentError`
 * instead of crashing.
 */
export function createNativeBackend(binding: NativeBinding): Backend {
  const sync: PerKernel<void> = binding;
  const asyncExports: PerKernel<Promise<void>> = {
    lstmForward: binding.lstmForwardAsync,
    lstmBackward: binding.lstmBackwardAsync,
    gruForward: binding.gruForwardAsync,
    gruBackward: binding.gruBackwardAsync,
    rnnForward: binding.rnnForwardAsync,
    rnnBackward: binding.rnnBackwardAsync,
    gemm: binding.gemmAsync,
  };
  const backend = {
    name: 'native' as const,
    ...perKernel(<K extends KernelName>(kernel: K) => (args: KernelArgs[K]) => {
      try {
        sync[kernel](args);
      } catch (error) {
        throw nativeError(error);
      }
    }),
    async: perKernel(<K extends KernelName>(kernel: K) => async (args: KernelArgs[K]) => {
      try {
        await asyncExports[kernel](args);
      } catch (error) {
        throw nativeError(error, kernel);
      }
    }),
    details: (): BackendDetails => ({
      name: 'native',
      threads: binding.getNumThreads(),
      blas: binding.blasInfo().blas,
      cpu: binding.cpuInfo().level,
    }),
    setThreads: (threads: number) => binding.setNumThreads(threads),
    loneRows: () => binding.loneRows(),
    data: {
      firstNonFinite: (values) => binding.firstNonFinite(values),
      toTimeMajor: (src, B, T, F, out, reverse) => binding.toTimeMajor(src, B, T, F, out, reverse),
      scanValues: (arrays) => binding.scanValues(arrays),
    },
    optimizer: {
      adam: (value, grad, m, v, vMax, c) => binding.adamUpdate(value, grad, m, v, vMax, c),
    },
    holds: {
      hold: (arrays) => binding.holdWeights(arrays),
      release: (arrays) => binding.releaseWeights(arrays),
    },
  } satisfies Backend;
  return backend;
}
