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
 * The passes a model makes over whole arrays around the kernels: the finite check of the data and the
 * copy into the kernels' time-major layout before them, the scan of the weights and optimizer state
 * after a training step. Each reads every value once, so in C++ they cost a few per cent of a kernel
 * call; in JavaScript they took ~15% of a medium LSTM `predict` and ~6% of its training step.
 */
export interface DataPasses {
  /** The index of the first NaN or ±Infinity in `values`, or −1 when every value is finite. */
  firstNonFinite(values: Float32Array): number;
  /**
   * Batch-first `src [B, T, F]` into time-major `out [T, B, F]` (same length, not sharing memory),
   * bit for bit; with `reverse`, step t of `out` is step T−1−t of `src`.
   */
  toTimeMajor(src: Float32Array, B: number, T: number, F: number, out: Float32Array, reverse: boolean): void;
  /**
   * One sweep over `arrays` (the weights and optimizer state after a training step): a fingerprint of
   * every bit pattern in order, and the first non-finite value. Both backends compute the same
   * fingerprint.
   */
  scanValues(arrays: readonly Float32Array[]): ValueScan;
}

/**
 * One Adam step's constants. Core derives them from the hyper-parameters and the step number t
 * (`stepSize = learningRate / (1 − β1ᵗ)`, `correction2Sqrt = √(1 − β2ᵗ)`), so both backends start
 * from the same doubles.
 */
export interface AdamConstants {
  stepSize: number;
  correction2Sqrt: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Coupled L2 penalty added to the gradient (Adam's `weightDecay`); 0 for AdamW. */
  l2: number;
}

/** The optimizers' per-weight updates: one pass over a parameter and its state, on the calling thread. */
export interface OptimizerUpdates {
  /**
   * One Adam update of `value` in place, PyTorch's arithmetic in double precision, every stored
   * value rounded to float32: `g = grad + l2·value`, `m = β1·m + (1 − β1)·g`,
   * `v = β2·v + (1 − β2)·g·g`, `value −= stepSize·m / (√v / correction2Sqrt + ε)`; with `vMax`
   * (AMSGrad) `vMax = max(vMax, v)` replaces `v` in the denominator. The arrays have the same length
   * and do not share memory. Both backends give the same bits.
   */
  adam(value: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, vMax: Float32Array | null, c: AdamConstants): void;
}

/**
 * Weights a caller promises not to change while it holds them, so a backend may prepare them once
 * for every later call instead of on every call (the native one packs `wHh`, and `wIh` where its
 * steps compute their own inputs, once). Holding changes no result. Core holds only the private
 * copy of a model that `Sequential.predictor()` makes, which nothing else can write.
 */
export interface WeightHolds {
  /** Promises that each of `arrays` keeps its values until one `release` per `hold`. */
  hold(arrays: readonly Float32Array[]): void;
  /** Ends one `hold` of each of `arrays`; an array that is not held is ignored. */
  release(arrays: readonly Float32Array[]): void;
}

/** What `DataPasses.scanValues` found. */
export interface ValueScan {
  /** A 32-bit hash of the bit patterns of every value, in order, and of each array's length. */
  fingerprint: number;
  /** The first non-finite value, as `[array index, element index]`, or null. */
  firstNonFinite: [number, number] | null;
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
  /**
   * Inference forward calls of up to this many rows compute each row bit for bit as the one-row
   * call on it would (1: not even two). The native backend does while each row gets a thread of its
   * own (up to 3: the split width); the fallback's rows are independent at any batch size (it
   * answers 3, the most a Predictor batches). A Predictor batches overlapping calls up to this.
   */
  loneRows(): number;
  /** The whole-input passes (finite check, layout copy), run on the calling thread. */
  readonly data: DataPasses;
  /** The optimizers' per-weight updates, run on the calling thread. */
  readonly optimizer: OptimizerUpdates;
  /** Weights held constant (a no-op where the backend prepares nothing: the fallback). */
  readonly holds: WeightHolds;
}
