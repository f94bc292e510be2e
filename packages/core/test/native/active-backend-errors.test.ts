import { KernelArgumentError, KernelBufferError } from '@rnn/backend-api';
import { expect, it } from 'vitest';
import { getBackend } from '../../src/backend/select';
import { validateKernelArgs } from '../../src/backend/validate';
import { describeNative } from './load';
import { validArgs } from './valid-args';

/**
 * The active native backend runs no TypeScript check of its own before a kernel call (select.ts):
 * the addon's reader is the check. Through `getBackend()`, as core's layers call it, a wrong call
 * must still throw (sync) or reject (async) with the contract's error class and message, the same as
 * core's validator gives, and a right call must still run. Like event-loop.test.ts, this file forces
 * native just before its first `getBackend()` (each test file runs in its own process).
 */
const f = (n: number) => new Float32Array(n);
const gemm = () => validArgs('gemm', 2, 3, 3, 0); // c [2, 3] = a [2, 3] · bᵀ, b [3, 3]
const lstmForward = () => validArgs('lstmForward', 3, 2, 4, 5);

/** Core's validator's error for `args`, to compare the backend's with. */
function expected(kernel: 'gemm' | 'lstmForward', args: unknown): Error {
  try {
    validateKernelArgs(kernel, args as never);
  } catch (error) {
    return error as Error;
  }
  throw new Error('the case must be a wrong call');
}

describeNative('the active native backend checks kernel calls by the contract', () => {
  const backend = () => {
    process.env.RNN_BACKEND = 'native';
    const active = getBackend();
    expect(active.name).toBe('native');
    return active;
  };

  const cases: [string, 'gemm' | 'lstmForward', unknown, typeof KernelBufferError | typeof KernelArgumentError][] = [
    ['a short buffer', 'gemm', { ...gemm(), b: f(8) }, KernelBufferError],
    ['a size that is not an integer', 'gemm', { ...gemm(), K: 2.5 }, KernelArgumentError],
    ['an output sharing memory with an input', 'lstmForward', (() => {
      const args = lstmForward();
      return { ...args, hT: new Float32Array((args.y as Float32Array).buffer, 0, 10) };
    })(), KernelArgumentError],
    ['a Float64Array', 'lstmForward', { ...lstmForward(), wHh: new Float64Array(4 * 5 * 5) }, KernelBufferError],
  ];

  for (const [what, kernel, args, errorClass] of cases) {
    it(`${kernel}: ${what} throws the contract's error, sync and async`, async () => {
      const active = backend();
      const want = expected(kernel, args);
      expect(want).toBeInstanceOf(errorClass);
      const call = active[kernel] as (a: unknown) => void;
      let thrown: unknown;
      try {
        call(args);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(errorClass);
      expect((thrown as Error).message).toBe(want.message);
      const asyncCall = active.async![kernel] as (a: unknown) => Promise<void>;
      const rejected: unknown = await asyncCall(args).then(() => undefined, (error: unknown) => error);
      expect(rejected).toBeInstanceOf(errorClass);
      expect((rejected as Error).message).toBe(want.message);
    });
  }

  it('runs a right call', async () => {
    const active = backend();
    const args = { ...gemm(), a: Float32Array.of(1, 2, 3, 4, 5, 6), b: Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), c: f(6) };
    active.gemm(args as never);
    expect(Array.from(args.c)).toEqual([1, 2, 3, 4, 5, 6]);
    args.c.fill(0);
    await active.async!.gemm(args as never);
    expect(Array.from(args.c)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
