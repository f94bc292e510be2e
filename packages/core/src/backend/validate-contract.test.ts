import { type GemmArgs, KernelArgumentError, KernelBufferError, type RnnForwardArgs } from '@rnn/backend-api';
import { describe, expect, it } from 'vitest';
import { ConfigError, RnnError, ShapeError } from '../errors';
import { validateGemm, validateKernelArgs, validateRnnForward } from './validate';

const f = (n: number) => new Float32Array(n);

function rnnForward(T = 3, B = 2, I = 4, H = 5): RnnForwardArgs {
  return {
    y: f(T * B * H), hT: f(B * H), workspace: null, x: f(T * B * I), h0: null, mask: null, wIh: f(H * I), wHh: f(H * H),
    bIh: null, bHh: null, recurrentMask: null, T, B, I, H, reverse: false, batchFirst: false, activation: 'tanh',
  };
}

function gemm(): GemmArgs {
  return { c: f(6), a: f(6), b: f(9), M: 2, N: 3, K: 3, transA: false, transB: false, alpha: 1, beta: 0 };
}

function rejection(fn: () => void): KernelBufferError | KernelArgumentError {
  try {
    fn();
  } catch (e) {
    if (e instanceof KernelBufferError || e instanceof KernelArgumentError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('the validator follows the contract', () => {
  it('reports the kernel, field and problem on each error, as RnnError subclasses', () => {
    const buffer = rejection(() => validateRnnForward({ ...rnnForward(), x: f(1) }));
    expect(buffer).toBeInstanceOf(ShapeError);
    expect(buffer).toBeInstanceOf(RnnError);
    expect(buffer.issue).toEqual({ kernel: 'rnnForward', field: 'x', problem: 'length' });
    const option = rejection(() => validateRnnForward({ ...rnnForward(), activation: 'gelu' as never }));
    expect(option).toBeInstanceOf(ConfigError);
    expect(option.issue).toEqual({ kernel: 'rnnForward', field: 'activation', problem: 'activation' });
  });

  it('rejects arrays and typed arrays as the argument struct', () => {
    for (const bad of [[rnnForward()], f(4)]) {
      const e = rejection(() => validateKernelArgs('rnnForward', bad as never));
      expect(e.issue.problem).toBe('struct');
      expect(e.message).toMatch(/^rnnForward: expected an argument object, got (an array of length 1|a Float32Array of length 4)$/);
    }
  });

  it('keeps size products within BLAS int: a limit names the product and its sizes', () => {
    const e = rejection(() => validateRnnForward({ ...rnnForward(), T: 2 ** 16, B: 2 ** 16 }));
    expect(e.issue).toEqual({ kernel: 'rnnForward', field: 'T·B', problem: 'limit' });
    expect(e.message).toBe('rnnForward: T·B = 4294967296 exceeds 2147483647, the largest size BLAS takes (T = 65536, B = 65536)');
    expect(rejection(() => validateGemm({ ...gemm(), K: 2 ** 31 })).issue.field).toBe('K');
  });

  it('rejects buffers over a SharedArrayBuffer or a detached ArrayBuffer', () => {
    const shared = new Float32Array(new SharedArrayBuffer(4 * 10));
    const e = rejection(() => validateRnnForward({ ...rnnForward(), h0: shared }));
    expect(e.issue).toEqual({ kernel: 'rnnForward', field: 'h0', problem: 'type' });
    expect(e.message).toContain('got a Float32Array backed by a SharedArrayBuffer');
    const detached = f(6);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    const d = rejection(() => validateGemm({ ...gemm(), a: detached }));
    expect(d.issue).toEqual({ kernel: 'gemm', field: 'a', problem: 'type' });
    expect(d.message).toBe('gemm: a must be a Float32Array of M·K = 6 floats (M = 2, K = 3), got a Float32Array over a detached ArrayBuffer (it was transferred)');
  });

  it('checks in the contract order: sizes, limits, options, buffers, pairs, aliases', () => {
    const all = { ...rnnForward(), H: 0, T: 2 ** 40, reverse: 'no' as never, x: null as never, bIh: f(5) };
    expect(rejection(() => validateRnnForward(all)).issue.field).toBe('H');
    expect(rejection(() => validateRnnForward({ ...all, H: 5 })).issue.field).toBe('T·B');
    expect(rejection(() => validateRnnForward({ ...all, H: 5, T: 3 })).issue.field).toBe('reverse');
    expect(rejection(() => validateRnnForward({ ...all, H: 5, T: 3, reverse: true })).issue.field).toBe('x');
    const paired = { ...all, H: 5, T: 3, reverse: true, x: f(24) };
    expect(rejection(() => validateRnnForward(paired)).issue).toEqual({ kernel: 'rnnForward', field: 'bIh', problem: 'pair' });
    const aliased = { ...paired, bIh: null, hT: paired.x.subarray(0, 10) };
    expect(rejection(() => validateRnnForward(aliased)).issue).toEqual({ kernel: 'rnnForward', field: 'hT', problem: 'alias' });
  });

  it('names the transposed layout of a gemm operand', () => {
    expect(rejection(() => validateGemm({ ...gemm(), transB: true, b: f(2) })).message).toBe(
      'gemm: b must have N·K = 9 floats (N = 3, K = 3), got 2',
    );
  });
});
