import type {
  GemmArgs,
  GruBackwardArgs,
  GruForwardArgs,
  LstmBackwardArgs,
  LstmForwardArgs,
  RnnBackwardArgs,
  RnnForwardArgs,
} from './kernel-args';

/**
 * The kernels every backend implements: one call per layer per batch, never per time step.
 * Each is synchronous and writes into the buffers it is given.
 */
export interface Kernels {
  lstmForward(args: LstmForwardArgs): void;
  lstmBackward(args: LstmBackwardArgs): void;
  gruForward(args: GruForwardArgs): void;
  gruBackward(args: GruBackwardArgs): void;
  rnnForward(args: RnnForwardArgs): void;
  rnnBackward(args: RnnBackwardArgs): void;
  gemm(args: GemmArgs): void;
}

/** The same kernels running off the JavaScript thread; each promise settles when its outputs are written. */
export type AsyncKernels = {
  [K in keyof Kernels]: (args: Parameters<Kernels[K]>[0]) => Promise<void>;
};

/** Names of the two backends. */
export type BackendName = 'native' | 'fallback';

/** What a backend says about itself. */
export interface BackendDetails {
  name: BackendName;
  /** Threads the math runs on. */
  threads: number;
  /** The BLAS library behind the GEMMs, e.g. `OpenBLAS 0.3.21`, or `none (TypeScript)`. */
  blas: string;
  /**
   * The instruction-set level the recurrent step kernels run at (`avx512`, `avx2`, `generic`), or
   * `none (TypeScript)`.
   */
  cpu: string;
}

/**
 * A backend: a plain object that `satisfies Backend`. No registry, no optional kernels.
 * The contract of each kernel is in `kernel-args.ts`.
 */
export interface Backend extends Kernels {
  readonly name: BackendName;
  /**
   * Promise-returning versions of the kernels that run off the event loop, where the backend has
   * them (native); `undefined` where it does not (the fallback runs on the calling thread).
   */
  readonly async: AsyncKernels | undefined;
  /** Threads, BLAS and name. */
  details(): BackendDetails;
  /** Sets the math thread count where the backend has threads; a no-op returning 1 otherwise. */
  setThreads(threads: number): number;
}
