import type { Backend } from '@rnn/backend-api';

/** Kernel names worth timing (the sequence kernels and gemm, sync and async). */
const KERNELS = ['lstmForward', 'lstmBackward', 'gruForward', 'gruBackward', 'rnnForward', 'rnnBackward', 'gemm'] as const;

/** Accumulated wall time per kernel, in ms, since the last `reset()`. */
export interface KernelProfile {
  readonly totalsMs: Record<string, number>;
  reset(): void;
}

/**
 * Wraps the backend's kernels (and their async versions, named with an `Async` suffix) so each call
 * adds its wall time to a running total. The wrapper costs two clock reads per kernel call, and
 * there are a handful of calls per training step, so it does not move the timings. Async kernels
 * are timed from call to settlement: the time the step waits for them.
 */
export function instrumentKernels(backend: Backend): KernelProfile {
  const totalsMs: Record<string, number> = {};
  const add = (name: string, ms: number): void => {
    totalsMs[name] = (totalsMs[name] ?? 0) + ms;
  };
  const target = backend as unknown as Record<string, unknown>;
  // A frozen backend cannot be wrapped: time it without a breakdown rather than fail the run.
  if (Object.isFrozen(target) || (backend.async && Object.isFrozen(backend.async))) {
    return { totalsMs, reset: () => {} };
  }
  for (const name of KERNELS) {
    const sync = target[name] as (args: unknown) => void;
    target[name] = (args: unknown): void => {
      const start = performance.now();
      try {
        sync.call(backend, args);
      } finally {
        add(name, performance.now() - start);
      }
    };
  }
  const asyncKernels = backend.async as unknown as Record<string, (args: unknown) => Promise<void>> | undefined;
  if (asyncKernels) {
    for (const name of KERNELS) {
      const call = asyncKernels[name];
      asyncKernels[name] = (args: unknown): Promise<void> => {
        const start = performance.now();
        return call.call(backend.async, args).finally(() => add(`${name}Async`, performance.now() - start));
      };
    }
  }
  return {
    totalsMs,
    reset(): void {
      for (const key of Object.keys(totalsMs)) delete totalsMs[key];
    },
  };
}
