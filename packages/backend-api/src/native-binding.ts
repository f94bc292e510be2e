import type { AdamConstants, AsyncKernels, Kernels, ValueScan } from './backend';

/** What the native addon says about its BLAS and threads. */
export interface NativeBlasInfo {
  /** The OpenBLAS build, from `openblas_get_config()`, e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY …`. */
  blas: string;
  /** The native pool's thread count (`getNumThreads()`). */
  threads: number;
  /** Logical cores OpenBLAS sees. */
  cores: number;
  /** The CPUs this process may run on, counted when the addon loaded (its affinity mask). */
  cpus: number;
  /** The most blocks a call starting now splits into: min(threads, cpus). */
  splitWidth: number;
  /** GEMMs with M·N·K below this run single-threaded. */
  singleThreadMnkThreshold: number;
}

/** The instruction-set levels of the addon's step kernels: `generic` is the portable build. */
export type NativeCpuLevel = 'generic' | 'avx2' | 'avx512';

/** Which step kernels the addon runs, and which this CPU could run. */
export interface NativeCpuInfo {
  /** The level in use: the best the CPU has, or what `RNN_CPU` / `setCpuLevel` chose. */
  level: NativeCpuLevel;
  /** Every level this CPU can run, lowest first (always starts with `generic`). */
  available: NativeCpuLevel[];
}

/**
 * The compiled addon `@rnn/native` exports: the contract's kernels (sync), the same with an `Async`
 * suffix (each returns a Promise and runs on the addon's executor thread), and thread controls. Every
 * function validates its argument object against the kernel contract and throws the contract's
 * message as a `TypeError` / `RangeError` with `code` (`RNN_KERNEL_BUFFER`, `RNN_KERNEL_ARGUMENT`)
 * and `issue` (`{ kernel, field, problem }`). It lives in the contract package so that the addon's
 * declarations and core's loader share one definition, while core's types never depend on the
 * optional native package.
 */
export interface NativeBinding extends Kernels {
  lstmForwardAsync: AsyncKernels['lstmForward'];
  lstmBackwardAsync: AsyncKernels['lstmBackward'];
  gruForwardAsync: AsyncKernels['gruForward'];
  gruBackwardAsync: AsyncKernels['gruBackward'];
  rnnForwardAsync: AsyncKernels['rnnForward'];
  rnnBackwardAsync: AsyncKernels['rnnBackward'];
  gemmAsync: AsyncKernels['gemm'];
  /**
   * Sets the native pool's thread count (integer in [1, 1024]); returns the count in force. One call
   * splits over at most min(threads, CPUs); threads beyond the CPUs serve calls running at once.
   */
  setNumThreads(threads: number): number;
  /** The native pool's thread count in force. */
  getNumThreads(): number;
  /** `Backend.loneRows`: min(3, the split width) when that is 2 or more, else 1. */
  loneRows(): number;
  /** BLAS build and thread details. */
  blasInfo(): NativeBlasInfo;
  /** The step kernels' instruction-set level in use and the ones available. */
  cpuInfo(): NativeCpuInfo;
  /**
   * Runs the step kernels at `level` from the next call on (calls running keep theirs); throws a
   * `RangeError` naming what this CPU can run when it lacks `level`. Returns the level in force.
   */
  setCpuLevel(level: NativeCpuLevel): NativeCpuLevel;
  /**
   * The index of the first NaN or ±Infinity in `values`, or −1 (`DataPasses.firstNonFinite`).
   * Throws a `TypeError` when `values` is not a Float32Array.
   */
  firstNonFinite(values: Float32Array): number;
  /**
   * `src [B, T, F]` into `out [T, B, F]`, reversed in time when `reverse` (`DataPasses.toTimeMajor`).
   * Throws a `TypeError` / `RangeError` naming the argument when the sizes or buffers do not fit.
   */
  toTimeMajor(src: Float32Array, B: number, T: number, F: number, out: Float32Array, reverse: boolean): void;
  /**
   * The fingerprint and first non-finite value of `arrays` (`DataPasses.scanValues`). Throws a
   * `TypeError` when `arrays` is not an array of Float32Arrays.
   */
  scanValues(arrays: readonly Float32Array[]): ValueScan;
  /**
   * One Adam update in place (`OptimizerUpdates.adam`). Throws a `TypeError` / `RangeError` naming
   * the argument when an array is not a Float32Array, the lengths differ or two arrays share memory,
   * or a constant is not a number.
   */
  adamUpdate(value: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, vMax: Float32Array | null, c: AdamConstants): void;
  /**
   * Holds `arrays` constant until released (`WeightHolds.hold`): forward calls whose `wIh` or `wHh`
   * is one of them (same memory, same length) reuse the packing the first such call made. Throws a
   * `TypeError` naming the element when one is not a Float32Array over an attached, unshared
   * ArrayBuffer. A held array stays referenced (alive) until released.
   */
  holdWeights(arrays: readonly Float32Array[]): void;
  /** Ends one hold of each of `arrays` (`WeightHolds.release`); arrays not held are ignored. */
  releaseWeights(arrays: readonly Float32Array[]): void;
  /** Packings of held weights made, and reused by later calls, since the addon loaded. */
  heldWeightCounts(): { made: number; reused: number };
  /** The .node file that was loaded. */
  path: string;
}
