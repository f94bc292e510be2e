import type { Backend, GemmArgs, GruBackwardArgs, LstmBackwardArgs, LstmForwardArgs, RnnForwardArgs } from '@rnn/backend-api';
import { workspaceSize } from '@rnn/backend-api';
import { describe, expect, it } from 'vitest';
import { ConfigError, ShapeError } from '../errors';
import {
  checkedBackend,
  validateGemm,
  validateGruBackward,
  validateGruForward,
  validateKernelArgs,
  validateLstmBackward,
  validateLstmForward,
  validateRnnBackward,
  validateRnnForward,
} from './validate';

const dims = { T: 3, B: 2, I: 6, H: 4 };
const { T, B, I, H } = dims;
const f = (n: number) => new Float32Array(n);

function lstmForward(): LstmForwardArgs {
  return {
    ...dims,
    y: f(T * B * H),
    hT: f(B * H),
    cT: f(B * H),
    workspace: f(workspaceSize('lstm', dims)),
    x: f(T * B * I),
    h0: f(B * H),
    c0: null,
    mask: f(T * B),
    wIh: f(4 * H * I),
    wHh: f(4 * H * H),
    bIh: f(4 * H),
    bHh: f(4 * H),
    peephole: f(3 * H),
    recurrentMask: null,
    reverse: false,
    batchFirst: false,
    activation: 'tanh',
    recurrentActivation: 'sigmoid',
  };
}

function lstmBackward(): LstmBackwardArgs {
  return {
    ...dims,
    dx: f(T * B * I),
    dh0: null,
    dc0: f(B * H),
    dWIh: f(4 * H * I),
    dWHh: f(4 * H * H),
    dBIh: f(4 * H),
    dBHh: f(4 * H),
    dPeephole: null,
    dy: f(T * B * H),
    dhT: null,
    dcT: null,
    x: f(T * B * I),
    h0: null,
    c0: null,
    mask: null,
    wIh: f(4 * H * I),
    wHh: f(4 * H * H),
    y: f(T * B * H),
    workspace: f(workspaceSize('lstm', dims)),
    recurrentMask: f(B * H),
    peephole: null,
    reverse: true,
    activation: 'tanh',
    recurrentActivation: 'hardSigmoid',
  };
}

function gruBackward(): GruBackwardArgs {
  const { dc0: _dc0, dPeephole: _dp, dcT: _dcT, c0: _c0, peephole: _p, ...base } = lstmBackward();
  return {
    ...base,
    dWIh: f(3 * H * I),
    dWHh: f(3 * H * H),
    dBIh: null,
    dBHh: null,
    wIh: f(3 * H * I),
    wHh: f(3 * H * H),
    workspace: f(workspaceSize('gru', dims)),
    resetAfter: false,
  };
}

function rnnForward(): RnnForwardArgs {
  const { cT: _cT, c0: _c0, peephole: _p, recurrentActivation: _ra, ...base } = lstmForward();
  return { ...base, wIh: f(H * I), wHh: f(H * H), bIh: null, bHh: null, workspace: null, activation: 'relu' };
}

function gemm(): GemmArgs {
  return { c: f(2 * 5), a: f(3 * 2), b: f(3 * 5), M: 2, N: 5, K: 3, transA: true, transB: false, alpha: 1, beta: 0 };
}

/** Calls `fn` and returns what it threw. */
function thrown(fn: () => void): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('validateKernelArgs accepts well-formed calls', () => {
  it('passes every kernel a valid struct (nulls where optional)', () => {
    expect(() => validateLstmForward(lstmForward())).not.toThrow();
    expect(() => validateLstmBackward(lstmBackward())).not.toThrow();
    expect(() => validateGruBackward(gruBackward())).not.toThrow();
    expect(() => validateRnnForward(rnnForward())).not.toThrow();
    expect(() => validateGemm(gemm())).not.toThrow();
    expect(() => validateKernelArgs('lstmForward', lstmForward())).not.toThrow();
  });

  it('accepts a longer workspace, a null forward workspace and an empty SimpleRNN workspace', () => {
    expect(() => validateLstmForward({ ...lstmForward(), workspace: f(1000) })).not.toThrow();
    expect(() => validateLstmForward({ ...lstmForward(), workspace: null })).not.toThrow();
    const { dc0: _a, dPeephole: _b, dcT: _c, c0: _d, peephole: _e, recurrentActivation: _r, ...base } = lstmBackward();
    const rnnBackward = { ...base, dWIh: f(H * I), dWHh: f(H * H), wIh: f(H * I), wHh: f(H * H), dBIh: null, dBHh: null };
    expect(() => validateRnnBackward({ ...rnnBackward, workspace: f(0), activation: 'linear' })).not.toThrow();
  });
});

describe('validateKernelArgs rejects', () => {
  it('a buffer of the wrong length, naming the kernel, field, formula and sizes', () => {
    const e = thrown(() => validateLstmForward({ ...lstmForward(), wIh: f(95) }));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toBe('lstmForward: wIh must have 4·H·I = 96 floats (H = 4, I = 6), got 95');
    expect(thrown(() => validateLstmForward({ ...lstmForward(), mask: f(7) })).message).toBe(
      'lstmForward: mask must have T·B = 6 floats (T = 3, B = 2), got 7',
    );
    expect(thrown(() => validateGruBackward({ ...gruBackward(), dWHh: f(4 * H * H) })).message).toBe(
      'gruBackward: dWHh must have 3·H·H = 48 floats (H = 4), got 64',
    );
  });

  it('a buffer that is not a Float32Array', () => {
    const e = thrown(() => validateLstmForward({ ...lstmForward(), x: new Float64Array(T * B * I) as never }));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toBe('lstmForward: x must be a Float32Array of T·B·I = 36 floats (T = 3, B = 2, I = 6), got a Float64Array');
    const arr = thrown(() => validateLstmForward({ ...lstmForward(), h0: [0, 0] as never }));
    expect(arr.message).toContain('h0 must be a Float32Array');
    expect(arr.message).toContain('got an Array of length 2');
  });

  it('a required buffer given as null or left out', () => {
    const e = thrown(() => validateLstmForward({ ...lstmForward(), hT: null as never }));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toBe('lstmForward: hT is required: a Float32Array of B·H = 8 floats (B = 2, H = 4), got null');
    expect(() => validateLstmForward({ ...lstmForward(), y: null })).not.toThrow(); // only the final states wanted
    expect(thrown(() => validateLstmBackward({ ...lstmBackward(), y: null as never })).message).toContain('lstmBackward: y is required');
    const { wHh: _omit, ...missing } = lstmForward();
    expect(thrown(() => validateLstmForward(missing as never)).message).toContain('wHh is required');
  });

  it('a workspace shorter than workspaceSize, and a missing one in backward', () => {
    const need = workspaceSize('lstm', dims);
    const short = thrown(() => validateLstmForward({ ...lstmForward(), workspace: f(need - 1) }));
    expect(short).toBeInstanceOf(ShapeError);
    expect(short.message).toBe(`lstmForward: workspace must have at least workspaceSize('lstm', dims) = ${need} floats, got ${need - 1}`);
    expect(thrown(() => validateLstmBackward({ ...lstmBackward(), workspace: null as never })).message).toContain(
      'lstmBackward: workspace is required',
    );
  });

  it('sizes that are not positive safe integers', () => {
    for (const bad of [0, -1, 2.5, Number.NaN, '3', 2 ** 60]) {
      const e = thrown(() => validateLstmForward({ ...lstmForward(), T: bad as never }));
      expect(e).toBeInstanceOf(ConfigError);
      expect(e.message).toMatch(/^lstmForward: T must be a positive safe integer, got /);
    }
    expect(thrown(() => validateGemm({ ...gemm(), K: 0 })).message).toBe('gemm: K must be a positive safe integer, got 0');
  });

  it('an unknown activation, listing the allowed ones', () => {
    const e = thrown(() => validateLstmForward({ ...lstmForward(), recurrentActivation: 'hard_sigmoid' as never }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe(
      "lstmForward: recurrentActivation must be one of 'tanh', 'sigmoid', 'relu', 'linear', 'hardSigmoid', got 'hard_sigmoid'",
    );
    expect(thrown(() => validateRnnForward({ ...rnnForward(), activation: undefined as never })).message).toContain(
      'rnnForward: activation must be one of',
    );
  });

  it('flags that are not booleans', () => {
    const e = thrown(() => validateLstmForward({ ...lstmForward(), reverse: 1 as never }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe('lstmForward: reverse must be true or false, got 1');
    expect(thrown(() => validateGruBackward({ ...gruBackward(), resetAfter: 'yes' as never })).message).toBe(
      "gruBackward: resetAfter must be true or false, got 'yes'",
    );
    expect(thrown(() => validateGemm({ ...gemm(), transB: undefined as never })).message).toBe(
      'gemm: transB must be true or false, got undefined',
    );
  });

  it('half a bias pair, and a peephole without its gradient', () => {
    const e = thrown(() => validateLstmForward({ ...lstmForward(), bHh: null }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe('lstmForward: bIh and bHh must both be given or both be null, got bIh given and bHh null');
    expect(thrown(() => validateLstmBackward({ ...lstmBackward(), peephole: f(3 * H) })).message).toBe(
      'lstmBackward: peephole and dPeephole must both be given or both be null, got peephole given and dPeephole null',
    );
  });

  it('gemm operands sized for the other transpose, and non-finite scalars', () => {
    expect(thrown(() => validateGemm({ ...gemm(), transA: false, a: f(3 * 5) })).message).toBe(
      'gemm: a must have M·K = 6 floats (M = 2, K = 3), got 15',
    );
    expect(thrown(() => validateGemm({ ...gemm(), b: f(5 * 2) })).message).toBe(
      'gemm: b must have K·N = 15 floats (K = 3, N = 5), got 10',
    );
    expect(thrown(() => validateGemm({ ...gemm(), alpha: Number.NaN })).message).toBe(
      'gemm: alpha must be a finite number, got NaN',
    );
  });

  it('an output sharing memory with another buffer (the same array or overlapping views)', () => {
    const args = lstmForward();
    const e = thrown(() => validateLstmForward({ ...args, hT: args.h0! }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe('lstmForward: output hT shares memory with h0; give every output a buffer of its own');
    const whole = f(2 * 4 * H * I);
    const back = { ...lstmBackward(), dWIh: whole.subarray(0, 4 * H * I), wIh: whole.subarray(4 * H * I - 1, 8 * H * I - 1) };
    expect(thrown(() => validateLstmBackward(back)).message).toBe(
      'lstmBackward: output dWIh shares memory with wIh; give every output a buffer of its own',
    );
    const adjacent = { ...lstmBackward(), dWIh: whole.subarray(0, 4 * H * I), wIh: whole.subarray(4 * H * I) };
    expect(() => validateLstmBackward(adjacent)).not.toThrow();
    const shared = f(20);
    const square = { ...gemm(), M: 3, N: 3, K: 3, a: shared.subarray(0, 9), b: f(9), c: shared.subarray(5, 14) };
    expect(thrown(() => validateGemm(square)).message).toBe(
      'gemm: output c shares memory with a; give every output a buffer of its own',
    );
  });

  it('a missing argument object', () => {
    const e = thrown(() => validateGruForward(undefined as never));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe('gruForward: expected an argument object, got undefined');
  });
});

describe('checkedBackend', () => {
  function recordingBackend(withAsync: boolean): { backend: Backend; calls: string[] } {
    const calls: string[] = [];
    const kernel = (name: string) => () => void calls.push(name);
    const asyncKernel = (name: string) => async () => void calls.push(`async ${name}`);
    const names = ['lstmForward', 'lstmBackward', 'gruForward', 'gruBackward', 'rnnForward', 'rnnBackward', 'gemm'];
    const sync = Object.fromEntries(names.map((n) => [n, kernel(n)]));
    const asyncKernels = withAsync ? Object.fromEntries(names.map((n) => [n, asyncKernel(n)])) : undefined;
    const backend = {
      ...sync,
      name: 'fallback',
      async: asyncKernels,
      details: () => ({ name: 'fallback', threads: 3, blas: 'test', cpu: 'test' }),
      setThreads: (n: number) => n + 1,
      loneRows: () => 2,
    } as unknown as Backend;
    return { backend, calls };
  }

  it('delegates valid calls and stops invalid ones before the backend sees them', () => {
    const { backend, calls } = recordingBackend(false);
    const checked = checkedBackend(backend);
    checked.lstmForward(lstmForward());
    checked.gemm(gemm());
    expect(() => checked.lstmBackward({ ...lstmBackward(), dWIh: f(1) })).toThrow(ShapeError);
    expect(calls).toEqual(['lstmForward', 'gemm']);
    expect(checked.async).toBeUndefined();
    expect(checked.name).toBe('fallback');
    expect(checked.details().threads).toBe(3);
    expect(checked.setThreads(4)).toBe(5);
    expect(checked.loneRows()).toBe(2);
  });

  it('validates the async kernels too: a bad call rejects and never reaches the backend', async () => {
    const { backend, calls } = recordingBackend(true);
    const checked = checkedBackend(backend);
    await checked.async!.rnnForward(rnnForward());
    await expect(checked.async!.rnnForward({ ...rnnForward(), activation: 'swish' as never })).rejects.toThrow(
      /rnnForward: activation must be one of/,
    );
    expect(calls).toEqual(['async rnnForward']);
  });
});
