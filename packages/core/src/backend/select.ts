import type { Backend, BackendName } from '@rnn/backend-api';
import { fallbackBackend } from '@rnn/fallback';
import { ConfigError, NativeUnavailableError } from '../errors';
import { checkNumber } from '../options';
import { loadNativeBackend } from './load-native';
import { checkedBackend } from './validate';

/** What `backendInfo()` reports: the active backend and why it was chosen. */
export interface BackendInfo {
  name: BackendName;
  /** Why this backend is active, e.g. `native addon loaded` or the causes native could not load. */
  reason: string;
  /** Threads the math runs on. */
  threads: number;
  /** The BLAS library behind the GEMMs. */
  blas: string;
  /**
   * The instruction-set level of the native step kernels (`avx512`, `avx2`, `generic`: the best this
   * CPU has, or what `RNN_CPU` chose), or `none (TypeScript)` on the fallback.
   */
  cpu: string;
}

/**
 * The chosen backend. Every kernel call is validated by the contract before it runs: the fallback's
 * by core's validator (`checkedBackend`), native's by the addon's reader of the same tables, which
 * gives every call the same verdict and message (test/native/differential.test.ts) and turns into
 * the same error classes (`nativeError`). Checking native calls in TypeScript as well cost ~4 µs of
 * a ~21 µs one-unit predict, twice the work for nothing the addon does not catch.
 */
let active: { backend: Backend; reason: string } | null = null;
let announced = false;

/**
 * Chooses the backend once per process: native when it loads, else the fallback (announced once on
 * stderr). `RNN_BACKEND=native|fallback` forces one; forcing native where it cannot load throws
 * `NativeUnavailableError` instead of silently falling back.
 */
export function getBackend(): Backend {
  if (active) return active.backend;
  const forced = (process.env.RNN_BACKEND ?? '').trim().toLowerCase();
  if (forced !== '' && forced !== 'native' && forced !== 'fallback') {
    throw new ConfigError(`RNN_BACKEND must be 'native' or 'fallback', got '${process.env.RNN_BACKEND}'`);
  }
  if (forced === 'fallback') {
    active = { backend: checkedBackend(fallbackBackend), reason: 'RNN_BACKEND=fallback' };
    return active.backend;
  }
  const native = loadNativeBackend();
  if (native.backend) {
    active = { backend: native.backend, reason: forced === 'native' ? 'RNN_BACKEND=native' : 'native addon loaded' };
    return active.backend;
  }
  if (forced === 'native') throw native.error;
  active = { backend: checkedBackend(fallbackBackend), reason: `native backend unavailable: ${native.error.causes.join('; ')}` };
  if (!announced && !process.env.RNN_QUIET) {
    announced = true;
    process.stderr.write(`@rnn/core: using the TypeScript fallback backend. ${native.error.message}\n`);
  }
  return active.backend;
}

/** The active backend, its thread count and BLAS, and why it was chosen. */
export function backendInfo(): BackendInfo {
  const backend = getBackend();
  const details = backend.details();
  return { name: details.name, reason: active!.reason, threads: details.threads, blas: details.blas, cpu: details.cpu };
}

/** The most threads the native pool takes, from `RNN_NUM_THREADS` or `setNumThreads` (the addon's cap). */
const MAX_THREADS = 1024;

/**
 * Sets the native thread pool's size (an integer from 1 to 1024; the fallback runs on the calling
 * thread and keeps 1); returns the count in force.
 */
export function setNumThreads(threads: number): number {
  return getBackend().setThreads(checkNumber('setNumThreads', 'threads', threads, { integer: true, min: 1, max: MAX_THREADS }));
}

export { NativeUnavailableError };
