import type { CellKind } from '@rnn/backend-api';
import { describe, expect, it } from 'vitest';
import { fallbackBackend } from '../src';
import { buildCase, type Case, kernelBackward, kernelForward, zeroGradients } from './harness';

const CELLS: CellKind[] = ['lstm', 'gru', 'rnn'];
// A case with every option on, so each contract test covers masks, reverse and both initial states.
const fullCase = (cell: CellKind, seed = 7): Case =>
  buildCase({ cell, T: 5, B: 3, I: 4, H: 5, masked: true, reverse: true, recurrentDropout: true, peephole: true, resetAfter: cell !== 'gru', seed });

describe('fallback backend object', () => {
  it('describes itself and has no threads or async kernels', () => {
    expect(fallbackBackend.name).toBe('fallback');
    expect(fallbackBackend.async).toBeUndefined();
    expect(fallbackBackend.details()).toEqual({ name: 'fallback', threads: 1, blas: 'none (TypeScript)', cpu: 'none (TypeScript)' });
    expect(fallbackBackend.setThreads(4)).toBe(1);
  });
});

describe.each(CELLS)('fallback %s kernel contract', (cell) => {
  it('parameter gradients accumulate (+=); dx, dh0, dc0 are overwritten', () => {
    const c = fullCase(cell);
    const fwd = kernelForward(c);
    const once = kernelBackward(c, fwd);
    const twice = kernelBackward(c, fwd, kernelBackward(c, fwd));
    for (const key of ['dWIh', 'dWHh', 'dBIh', 'dBHh', 'dPeephole'] as const) {
      const g1 = once[key];
      if (g1 === null) continue;
      expect(Array.from(twice[key]!), key).toEqual(Array.from(g1, (v) => v * 2));
      expect(g1.some((v) => v !== 0), `${key} is not all zero`).toBe(true);
    }
    expect(twice.dx).toEqual(once.dx);
    expect(twice.dh0).toEqual(once.dh0);
    if (cell === 'lstm') expect(twice.dc0).toEqual(once.dc0);
  });

  it('backward reads its inputs only (workspace, y, weights, x untouched)', () => {
    const c = fullCase(cell);
    const fwd = kernelForward(c);
    const snapshot = [fwd.y, fwd.workspace!, c.R, c.S, c.U, ...Object.values(c.tensors).filter((v) => v !== null)].map((v) => v!.slice());
    kernelBackward(c, fwd);
    const after = [fwd.y, fwd.workspace!, c.R, c.S, c.U, ...Object.values(c.tensors).filter((v) => v !== null)];
    after.forEach((v, k) => expect(v, `input ${k}`).toEqual(snapshot[k]));
  });

  it('forward with workspace null (inference) gives the same outputs', () => {
    const c = fullCase(cell);
    const train = kernelForward(c, true);
    const infer = kernelForward(c, false);
    expect(infer.y).toEqual(train.y);
    expect(infer.hT).toEqual(train.hT);
    if (cell === 'lstm') expect(infer.cT).toEqual(train.cT);
  });

  it('null dy/dhT/dcT mean zeros, and null dx/dh0/dc0 are simply not written', () => {
    const c = fullCase(cell);
    const fwd = kernelForward(c);
    const zeroed: Case = { ...c, R: new Float32Array(c.R.length), S: new Float32Array(c.S.length), U: new Float32Array(c.U.length) };
    const viaZeros = kernelBackward(zeroed, fwd);
    const viaNull = kernelBackward(c, fwd, undefined, true);
    expect(viaNull).toEqual(viaZeros);
    expect(viaNull.dWIh.every((v) => v === 0)).toBe(true);

    const full = kernelBackward(c, fwd);
    const partial = zeroGradients(c);
    const o = c.options;
    const base = {
      T: o.T, B: o.B, I: o.I, H: o.H, dx: null, dh0: null, dWIh: partial.dWIh, dWHh: partial.dWHh,
      dBIh: partial.dBIh, dBHh: partial.dBHh, dy: c.R, dhT: c.S, x: c.tensors.x!, h0: c.tensors.h0, mask: o.mask,
      wIh: c.tensors.wIh!, wHh: c.tensors.wHh!, y: fwd.y, workspace: fwd.workspace!, recurrentMask: o.recurrentMask, reverse: o.reverse,
    };
    if (cell === 'lstm') {
      fallbackBackend.lstmBackward({ ...base, dc0: null, dPeephole: partial.dPeephole, dcT: c.U, c0: c.tensors.c0, peephole: c.tensors.peephole, activation: 'tanh', recurrentActivation: 'sigmoid' });
    } else if (cell === 'gru') {
      fallbackBackend.gruBackward({ ...base, resetAfter: o.resetAfter, activation: 'tanh', recurrentActivation: 'sigmoid' });
    } else {
      fallbackBackend.rnnBackward({ ...base, activation: 'tanh' });
    }
    expect(partial.dWIh).toEqual(full.dWIh);
    expect(partial.dWHh).toEqual(full.dWHh);
    expect(partial.dBHh).toEqual(full.dBHh);
  });

  it('cached scratch from a bigger call does not leak into a smaller one', () => {
    const small = fullCase(cell, 3);
    const first = kernelForward(small);
    const firstGrads = kernelBackward(small, first);
    const big = buildCase({ cell, T: 9, B: 6, I: 7, H: 11, seed: 4 });
    kernelBackward(big, kernelForward(big));
    kernelForward(big, false);
    const again = kernelForward(small);
    expect(again).toEqual(first);
    expect(kernelBackward(small, again)).toEqual(firstGrads);
  });

  it('T = 0 passes the initial state through', () => {
    const c = buildCase({ cell, T: 0 });
    const fwd = kernelForward(c);
    expect(fwd.hT).toEqual(c.tensors.h0);
    if (cell === 'lstm') expect(fwd.cT).toEqual(c.tensors.c0);
    const g = kernelBackward(c, fwd);
    expect(g.dh0).toEqual(c.S);
    if (cell === 'lstm') expect(g.dc0).toEqual(c.U);
  });
});
