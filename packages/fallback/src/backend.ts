import type { Backend, BackendDetails, GemmArgs } from '@rnn/backend-api';
import { dataPasses } from './data-passes';
import { optimizerUpdates } from './optimizer-updates';
import { sgemm } from './gemm';
import { gruBackward, gruForward } from './gru';
import { lstmBackward, lstmForward } from './lstm';
import { rnnBackward, rnnForward } from './simple-rnn';

const details: BackendDetails = { name: 'fallback', threads: 1, blas: 'none (TypeScript)', cpu: 'none (TypeScript)' };

/**
 * The pure-TypeScript backend: every kernel of the contract, synchronous, on the calling thread,
 * with no Node API (it runs in a browser too). Arguments are validated by `@rnn/core` before a
 * kernel is called; the kernels themselves trust their sizes.
 */
export const fallbackBackend = {
  name: 'fallback',
  async: undefined,
  details(): BackendDetails {
    return { ...details };
  },
  setThreads(_threads: number): number {
    return 1;
  },
  // Every kernel computes each row on its own, in the same order at any batch size.
  loneRows(): number {
    return 3;
  },
  data: dataPasses,
  optimizer: optimizerUpdates,
  // Nothing to prepare: the TypeScript kernels read the weights as they are.
  holds: {
    hold(_arrays: readonly Float32Array[]): void {},
    release(_arrays: readonly Float32Array[]): void {},
  },
  lstmForward,
  lstmBackward,
  gruForward,
  gruBackward,
  rnnForward,
  rnnBackward,
  gemm(args: GemmArgs): void {
    const { c, a, b, M, N, K, transA, transB, alpha, beta } = args;
    sgemm(transA, transB, M, N, K, alpha, a, 0, transA ? M : K, b, 0, transB ? K : N, beta, c, 0, N);
  },
} as const satisfies Backend;
