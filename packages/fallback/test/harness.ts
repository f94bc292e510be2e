/**
 * Test harness for the recurrent kernels: builds a seeded random case, runs the fallback kernels on
 * it, and compares against the float64 reference (forward values, workspace contents) and its
 * central finite differences (every gradient), for the scalar loss
 * `L = Σ y ⊙ R + Σ hT ⊙ S + Σ cT ⊙ U`.
 */
import { type ActivationName, type CellKind, GATES, workspaceSize } from '@rnn/backend-api';
import { expect } from 'vitest';
import { fallbackBackend } from '../src';
import { type ReferenceOptions, type ReferenceTensors, referenceForward } from './reference-cells';

/** Deterministic uniform numbers in [lo, hi) (mulberry32). */
export function makeRandom(seed: number): (lo?: number, hi?: number) => number {
  let a = seed >>> 0;
  return (lo = -1, hi = 1) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return lo + (hi - lo) * u;
  };
}

/** Options of one test case; unspecified ones take the defaults below. */
export interface CaseConfig {
  cell: CellKind;
  T?: number;
  B?: number;
  I?: number;
  H?: number;
  reverse?: boolean;
  /** Pad some steps of some rows (mask 0). */
  masked?: boolean;
  /** Use a recurrent dropout mask with values 0 and 2. */
  recurrentDropout?: boolean;
  peephole?: boolean;
  resetAfter?: boolean;
  bias?: boolean;
  h0?: boolean;
  c0?: boolean;
  activation?: ActivationName;
  recurrentActivation?: ActivationName;
  seed?: number;
}

/** Names of the differentiable tensors, as in the forward args. */
export const TENSOR_NAMES = ['x', 'h0', 'c0', 'wIh', 'wHh', 'bIh', 'bHh', 'peephole'] as const;
export type TensorName = (typeof TENSOR_NAMES)[number];

/** A concrete case: float32 tensors (what the kernels see) and the loss weights. */
export interface Case {
  options: ReferenceOptions;
  tensors: Record<TensorName, Float32Array | null>;
  R: Float32Array; // [T, B, H]
  S: Float32Array; // [B, H]
  U: Float32Array; // [B, H]
}

export function buildCase(cfg: CaseConfig): Case {
  const T = cfg.T ?? 3, B = cfg.B ?? 2, I = cfg.I ?? 3, H = cfg.H ?? 2;
  const G = GATES[cfg.cell];
  const rand = makeRandom(cfg.seed ?? 1234);
  const vec = (n: number, scale = 1) => Float32Array.from({ length: n }, () => rand() * scale);
  const bias = cfg.bias ?? true;
  let mask: Float32Array | null = null;
  if (cfg.masked) {
    mask = new Float32Array(T * B).fill(1);
    // Row 0 right-padded (its last step), row 1 left-padded (its first step), and a gap mid-sequence.
    mask[(T - 1) * B + 0] = 0;
    if (B > 1) mask[0 * B + 1] = 0;
    if (T > 2 && B > 1) mask[1 * B + (B - 1)] = 0;
  }
  const recurrentMask = cfg.recurrentDropout ? Float32Array.from({ length: B * H }, (_, k) => (k % 3 === 1 ? 0 : 2)) : null;
  return {
    options: {
      cell: cfg.cell,
      T, B, I, H,
      mask,
      recurrentMask,
      reverse: cfg.reverse ?? false,
      resetAfter: cfg.resetAfter ?? true,
      activation: cfg.activation ?? 'tanh',
      recurrentActivation: cfg.recurrentActivation ?? 'sigmoid',
    },
    tensors: {
      x: vec(T * B * I),
      h0: (cfg.h0 ?? true) ? vec(B * H, 0.8) : null,
      c0: cfg.cell === 'lstm' && (cfg.c0 ?? true) ? vec(B * H, 0.8) : null,
      wIh: vec(G * H * I, 0.7),
      wHh: vec(G * H * H, 0.7),
      bIh: bias ? vec(G * H, 0.5) : null,
      bHh: bias ? vec(G * H, 0.5) : null,
      peephole: cfg.cell === 'lstm' && cfg.peephole ? vec(3 * H, 0.5) : null,
    },
    R: vec(T * B * H),
    S: vec(B * H),
    U: vec(B * H),
  };
}

export interface ForwardResult {
  y: Float32Array;
  hT: Float32Array;
  cT: Float32Array;
  workspace: Float32Array | null;
}

/** Runs the fallback forward kernel of the case's cell. */
export function kernelForward(c: Case, withWorkspace = true): ForwardResult {
  const o = c.options;
  const { T, B, H } = o;
  const ts = c.tensors;
  const y = new Float32Array(T * B * H).fill(NaN);
  const hT = new Float32Array(B * H).fill(NaN);
  const cT = new Float32Array(B * H).fill(NaN);
  const size = workspaceSize(o.cell, o);
  const workspace = withWorkspace ? new Float32Array(size).fill(NaN) : null;
  const base = {
    T, B, I: o.I, H, y, hT, workspace,
    x: ts.x!, h0: ts.h0, mask: o.mask, wIh: ts.wIh!, wHh: ts.wHh!, bIh: ts.bIh, bHh: ts.bHh,
    recurrentMask: o.recurrentMask, reverse: o.reverse, batchFirst: false,
  };
  if (o.cell === 'lstm') {
    fallbackBackend.lstmForward({ ...base, cT, c0: ts.c0, peephole: ts.peephole, activation: o.activation, recurrentActivation: o.recurrentActivation });
  } else if (o.cell === 'gru') {
    fallbackBackend.gruForward({ ...base, resetAfter: o.resetAfter, activation: o.activation, recurrentActivation: o.recurrentActivation });
  } else {
    fallbackBackend.rnnForward({ ...base, workspace: withWorkspace ? new Float32Array(0) : null, activation: o.activation });
  }
  return { y, hT, cT, workspace };
}

export interface Gradients {
  dx: Float32Array;
  dh0: Float32Array;
  dc0: Float32Array;
  dWIh: Float32Array;
  dWHh: Float32Array;
  dBIh: Float32Array | null;
  dBHh: Float32Array | null;
  dPeephole: Float32Array | null;
}

/** Fresh zeroed gradient buffers for the case. */
export function zeroGradients(c: Case): Gradients {
  const o = c.options;
  const G = GATES[o.cell];
  const { T, B, I, H } = o;
  const ts = c.tensors;
  return {
    dx: new Float32Array(T * B * I).fill(NaN), // overwritten by contract
    dh0: new Float32Array(B * H).fill(NaN),
    dc0: new Float32Array(B * H).fill(NaN),
    dWIh: new Float32Array(G * H * I),
    dWHh: new Float32Array(G * H * H),
    dBIh: ts.bIh ? new Float32Array(G * H) : null,
    dBHh: ts.bHh ? new Float32Array(G * H) : null,
    dPeephole: ts.peephole ? new Float32Array(3 * H) : null,
  };
}

/** Runs the fallback backward kernel with dy = R, dhT = S, dcT = U (or nulls when asked). */
export function kernelBackward(c: Case, fwd: ForwardResult, grads = zeroGradients(c), nullUpstream = false): Gradients {
  const o = c.options;
  const ts = c.tensors;
  const base = {
    T: o.T, B: o.B, I: o.I, H: o.H,
    dx: grads.dx, dh0: grads.dh0, dWIh: grads.dWIh, dWHh: grads.dWHh, dBIh: grads.dBIh, dBHh: grads.dBHh,
    dy: nullUpstream ? null : c.R, dhT: nullUpstream ? null : c.S,
    x: ts.x!, h0: ts.h0, mask: o.mask, wIh: ts.wIh!, wHh: ts.wHh!, y: fwd.y,
    workspace: fwd.workspace!, recurrentMask: o.recurrentMask, reverse: o.reverse,
  };
  if (o.cell === 'lstm') {
    fallbackBackend.lstmBackward({
      ...base, dc0: grads.dc0, dPeephole: grads.dPeephole, dcT: nullUpstream ? null : c.U, c0: ts.c0,
      peephole: ts.peephole, activation: o.activation, recurrentActivation: o.recurrentActivation,
    });
  } else if (o.cell === 'gru') {
    fallbackBackend.gruBackward({ ...base, resetAfter: o.resetAfter, activation: o.activation, recurrentActivation: o.recurrentActivation });
  } else {
    fallbackBackend.rnnBackward({ ...base, activation: o.activation });
  }
  return grads;
}

function toReferenceTensors(c: Case): ReferenceTensors {
  const f = (v: Float32Array | null) => (v ? Float64Array.from(v) : null);
  const ts = c.tensors;
  return { x: f(ts.x)!, h0: f(ts.h0), c0: f(ts.c0), wIh: f(ts.wIh)!, wHh: f(ts.wHh)!, bIh: f(ts.bIh), bHh: f(ts.bHh), peephole: f(ts.peephole) };
}

export function referenceResult(c: Case) {
  return referenceForward(c.options, toReferenceTensors(c));
}

function referenceLoss(c: Case, p: ReferenceTensors): number {
  const r = referenceForward(c.options, p);
  let L = 0;
  for (let k = 0; k < r.y.length; k++) L += r.y[k] * c.R[k];
  for (let k = 0; k < r.hT.length; k++) L += r.hT[k] * c.S[k];
  if (c.options.cell === 'lstm') for (let k = 0; k < r.cT.length; k++) L += r.cT[k] * c.U[k];
  return L;
}

/** Central differences (float64, eps 1e-6) of the reference loss w.r.t. every present tensor. */
export function numericGradients(c: Case): Partial<Record<TensorName, Float64Array>> {
  const p = toReferenceTensors(c);
  // A null h0/c0 means zeros: differentiate w.r.t. explicit zeros, which dh0/dc0 must match.
  const BH = c.options.B * c.options.H;
  p.h0 ??= new Float64Array(BH);
  if (c.options.cell === 'lstm') p.c0 ??= new Float64Array(BH);
  const out: Partial<Record<TensorName, Float64Array>> = {};
  const eps = 1e-6;
  for (const name of TENSOR_NAMES) {
    const v = p[name];
    if (!v) continue;
    const g = new Float64Array(v.length);
    for (let k = 0; k < v.length; k++) {
      const keep = v[k];
      v[k] = keep + eps;
      const up = referenceLoss(c, p);
      v[k] = keep - eps;
      const down = referenceLoss(c, p);
      v[k] = keep;
      g[k] = (up - down) / (2 * eps);
    }
    out[name] = g;
  }
  return out;
}

/** Asserts |actual − expected| ≤ atol + rtol·|expected| everywhere, printing the first mismatches. */
export function expectClose(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  const bad: string[] = [];
  let maxDiff = 0;
  for (let k = 0; k < expected.length; k++) {
    const d = Math.abs(actual[k] - expected[k]);
    if (!(d <= atol + rtol * Math.abs(expected[k]))) {
      if (bad.length < 5) bad.push(`[${k}] got ${actual[k]}, expected ${expected[k]}`);
      maxDiff = Number.isNaN(d) ? NaN : Math.max(maxDiff, d);
    }
  }
  expect(bad, `${label}: ${bad.length ? `max diff ${maxDiff}; ${bad.join('; ')}` : ''}`).toEqual([]);
}

/** Forward against the reference (outputs and workspace), backward against finite differences. */
export function checkCase(cfg: CaseConfig): void {
  const c = buildCase(cfg);
  const ref = referenceResult(c);
  const fwd = kernelForward(c);
  const FWD_ATOL = 2e-6, FWD_RTOL = 2e-6;
  expectClose('y', fwd.y, ref.y, FWD_ATOL, FWD_RTOL);
  expectClose('hT', fwd.hT, ref.hT, FWD_ATOL, FWD_RTOL);
  if (cfg.cell === 'lstm') expectClose('cT', fwd.cT, ref.cT, FWD_ATOL, FWD_RTOL);
  if (cfg.cell !== 'rnn') {
    const ws = fwd.workspace!;
    expectClose('workspace gates', ws.subarray(0, ref.gates.length), ref.gates, FWD_ATOL, FWD_RTOL);
    expectClose('workspace extra', ws.subarray(ref.gates.length), ref.extra, FWD_ATOL, FWD_RTOL);
  }

  const grads = kernelBackward(c, fwd);
  const num = numericGradients(c);
  const GRAD_ATOL = 2e-5, GRAD_RTOL = 2e-4;
  expectClose('dx', grads.dx, num.x!, GRAD_ATOL, GRAD_RTOL);
  expectClose('dWIh', grads.dWIh, num.wIh!, GRAD_ATOL, GRAD_RTOL);
  expectClose('dWHh', grads.dWHh, num.wHh!, GRAD_ATOL, GRAD_RTOL);
  if (num.h0) expectClose('dh0', grads.dh0, num.h0, GRAD_ATOL, GRAD_RTOL);
  if (num.c0) expectClose('dc0', grads.dc0, num.c0, GRAD_ATOL, GRAD_RTOL);
  if (num.bIh) expectClose('dBIh', grads.dBIh!, num.bIh, GRAD_ATOL, GRAD_RTOL);
  if (num.bHh) expectClose('dBHh', grads.dBHh!, num.bHh, GRAD_ATOL, GRAD_RTOL);
  if (num.peephole) expectClose('dPeephole', grads.dPeephole!, num.peephole, GRAD_ATOL, GRAD_RTOL);
}
