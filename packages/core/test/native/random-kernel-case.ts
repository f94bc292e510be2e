import {
  ACTIVATION_NAMES,
  type ActivationName,
  type Backend,
  type CellKind,
  GATES,
  workspaceSize,
} from '@rnn/backend-api';
import { toBatchFirst } from '../../src/layers/sequence-layout';
import { Random } from '../../src/random';

/**
 * Random kernel calls for backend-versus-backend property tests: one case is a forward and a
 * backward call of one cell with random sizes and options, including the edges (B = 1, T = 1,
 * H = 1, large I, reverse, masks with padded tails, initial states, both GRU conventions,
 * peephole, every activation, null upstream gradients).
 */
export interface RandomKernelCase {
  title: string;
  cell: CellKind;
  T: number;
  B: number;
  I: number;
  H: number;
  reverse: boolean;
  activation: ActivationName;
  recurrentActivation: ActivationName;
  resetAfter: boolean;
  /** The forward call reads x as [B, T, I] (`batchFirst`); backward always reads it time-major. */
  batchFirst: boolean;
  /** Inputs shared by both backends, by contract field name (null = absent / zeros; x time-major). */
  inputs: Record<string, Float32Array | null>;
  /** Which optional outputs are wanted. */
  wantDx: boolean;
  wantDh0: boolean;
  wantDc0: boolean;
}

/** Every buffer a case produces, by contract field name. */
export type CaseOutputs = Record<string, Float32Array>;

function uniform(rng: Random, n: number, scale: number): Float32Array {
  const out = new Float32Array(n); // [n]
  for (let i = 0; i < n; i++) out[i] = (rng.next() * 2 - 1) * scale;
  return out;
}

function pick<T>(rng: Random, items: readonly T[]): T {
  return items[Math.floor(rng.next() * items.length)];
}

function size(rng: Random, small: number, large: number[]): number {
  const r = rng.next();
  if (r < 0.2) return 1;
  if (r < 0.85) return 1 + Math.floor(rng.next() * small);
  return pick(rng, large);
}

/** The cell and sizes a case may fix instead of drawing them. */
export type CaseShape = Partial<Pick<RandomKernelCase, 'cell' | 'T' | 'B' | 'I' | 'H'>>;

/** One seeded random case (with `shape`, the cell and sizes it fixes; options stay random). */
export function randomKernelCase(rng: Random, index: number, shape: CaseShape = {}): RandomKernelCase {
  const cell = shape.cell ?? pick(rng, ['lstm', 'gru', 'rnn'] as const);
  const T = shape.T ?? size(rng, 9, [16, 25]);
  const B = shape.B ?? size(rng, 5, [8, 13, 16, 40]); // 16 and 40: rows enough for the fused input product
  const I = shape.I ?? size(rng, 7, [64, 150, 300]);
  const H = shape.H ?? size(rng, 9, [24, 40]);
  const G = GATES[cell];
  const reverse = rng.next() < 0.5;
  const activation = pick(rng, ACTIVATION_NAMES);
  const recurrentActivation = pick(rng, ['sigmoid', 'hardSigmoid', 'sigmoid', 'tanh', 'linear', 'relu'] as const);
  const resetAfter = rng.next() < 0.5;
  const wScale = 1 / Math.sqrt(Math.max(I, H));
  const bias = rng.next() < 0.8;

  let mask: Float32Array | null = null; // [T, B]
  if (rng.next() < 0.35) {
    mask = new Float32Array(T * B).fill(1);
    for (let b = 0; b < B; b++) {
      const style = rng.next();
      const length = Math.floor(rng.next() * (T + 1)); // padded tail after `length` steps
      for (let t = 0; t < T; t++) {
        const padded = style < 0.5 ? t >= length : rng.next() < 0.3;
        if (padded) mask[t * B + b] = 0;
      }
    }
  }
  let recurrentMask: Float32Array | null = null; // [B, H]
  if (rng.next() < 0.25) {
    const keep = 0.7;
    recurrentMask = new Float32Array(B * H);
    for (let i = 0; i < B * H; i++) recurrentMask[i] = rng.next() < keep ? 1 / keep : 0;
  }
  const optional = (p: number, n: number, scale: number) => (rng.next() < p ? uniform(rng, n, scale) : null);
  const inputs: Record<string, Float32Array | null> = {
    x: uniform(rng, T * B * I, 1),
    h0: optional(0.6, B * H, 0.8),
    c0: cell === 'lstm' ? optional(0.6, B * H, 0.8) : null,
    mask,
    recurrentMask,
    wIh: uniform(rng, G * H * I, wScale),
    wHh: uniform(rng, G * H * H, wScale),
    bIh: bias ? uniform(rng, G * H, 0.3) : null,
    bHh: bias ? uniform(rng, G * H, 0.3) : null,
    peephole: cell === 'lstm' && rng.next() < 0.35 ? uniform(rng, 3 * H, 0.5) : null,
    dy: optional(0.85, T * B * H, 1),
    dhT: optional(0.7, B * H, 1),
    dcT: cell === 'lstm' ? optional(0.7, B * H, 1) : null,
    // Parameter gradients start non-zero: backends must add (+=), not overwrite.
    dWIh: uniform(rng, G * H * I, 0.1),
    dWHh: uniform(rng, G * H * H, 0.1),
    dBIh: bias ? uniform(rng, G * H, 0.1) : null,
    dBHh: bias ? uniform(rng, G * H, 0.1) : null,
  };
  inputs.dPeephole = inputs.peephole ? uniform(rng, 3 * H, 0.1) : null;
  // Every third case reads x batch-first, chosen by index so that the random draws stay as they were.
  const batchFirst = index % 3 === 2;
  const title =
    `#${index} ${cell} T=${T} B=${B} I=${I} H=${H}${reverse ? ' reverse' : ''}${batchFirst ? ' batch-first' : ''} act=${activation}` +
    (cell === 'rnn' ? '' : ` rec=${recurrentActivation}`) +
    (cell === 'gru' ? ` resetAfter=${resetAfter}` : '') +
    (mask ? ' mask' : '') + (recurrentMask ? ' recurrentMask' : '') + (inputs.peephole ? ' peephole' : '') +
    (inputs.h0 ? ' h0' : '') + (inputs.c0 ? ' c0' : '') + (bias ? '' : ' no-bias');
  return {
    title, cell, T, B, I, H, reverse, activation, recurrentActivation, resetAfter, batchFirst, inputs,
    wantDx: rng.next() < 0.9,
    wantDh0: rng.next() < 0.9,
    wantDc0: rng.next() < 0.9,
  };
}

const copy = (a: Float32Array | null) => (a ? a.slice() : null);

/** The forward's x as the case hands it over: time-major, or batch-first with `batchFirst` (a copy either way). */
export function forwardInput(c: RandomKernelCase): Float32Array {
  return c.batchFirst ? toBatchFirst(c.inputs.x!, c.T, c.B, c.I) : c.inputs.x!.slice();
}

/**
 * Runs the case's forward then backward on `backend` (fresh output buffers, copies of the shared
 * inputs, so one backend can never see the other's writes). `mode` picks sync or async kernels.
 * `run: 'inference'` runs the forward alone as inference does: no workspace, no recurrent mask
 * (outputs y, hT and LSTM's cT).
 */
export async function runKernelCase(
  backend: Backend,
  c: RandomKernelCase,
  mode: 'sync' | 'async' = 'sync',
  run: 'training' | 'inference' = 'training',
): Promise<CaseOutputs> {
  const { cell, T, B, I, H, reverse } = c;
  const dims = { T, B, I, H };
  const training = run === 'training';
  const k = mode === 'async' && backend.async ? backend.async : backend;
  const v = c.inputs;
  const out: CaseOutputs = {
    y: new Float32Array(T * B * H), // [T, B, H]
    hT: new Float32Array(B * H), // [B, H]
  };
  const workspace = training ? new Float32Array(workspaceSize(cell, dims)) : null;
  if (workspace) out.workspace = workspace;
  const forward = {
    ...dims, reverse, batchFirst: c.batchFirst, y: out.y, hT: out.hT, workspace,
    x: forwardInput(c), h0: copy(v.h0), mask: copy(v.mask), wIh: copy(v.wIh)!, wHh: copy(v.wHh)!,
    bIh: copy(v.bIh), bHh: copy(v.bHh), recurrentMask: training ? copy(v.recurrentMask) : null,
  };
  const grads = {
    dx: c.wantDx ? new Float32Array(T * B * I) : null, // [T, B, I]
    dh0: c.wantDh0 ? new Float32Array(B * H) : null, // [B, H]
    dWIh: copy(v.dWIh)!, dWHh: copy(v.dWHh)!, dBIh: copy(v.dBIh), dBHh: copy(v.dBHh),
  };
  const backwardBase = {
    ...dims, reverse, ...grads, dy: copy(v.dy), dhT: copy(v.dhT), x: copy(v.x)!, h0: forward.h0, mask: forward.mask,
    wIh: forward.wIh, wHh: forward.wHh, y: out.y, workspace: workspace!, recurrentMask: forward.recurrentMask,
  };
  if (cell === 'lstm') {
    out.cT = new Float32Array(B * H); // [B, H]
    const lstm = { c0: copy(v.c0), peephole: copy(v.peephole), activation: c.activation, recurrentActivation: c.recurrentActivation };
    await k.lstmForward({ ...forward, ...lstm, cT: out.cT });
    if (!training) return out;
    const dc0 = c.wantDc0 ? new Float32Array(B * H) : null; // [B, H]
    const dPeephole = copy(v.dPeephole);
    await k.lstmBackward({ ...backwardBase, ...lstm, dc0, dPeephole, dcT: copy(v.dcT) });
    if (dc0) out.dc0 = dc0;
    if (dPeephole) out.dPeephole = dPeephole;
  } else if (cell === 'gru') {
    const gru = { resetAfter: c.resetAfter, activation: c.activation, recurrentActivation: c.recurrentActivation };
    await k.gruForward({ ...forward, ...gru });
    if (!training) return out;
    await k.gruBackward({ ...backwardBase, ...gru });
  } else {
    await k.rnnForward({ ...forward, activation: c.activation });
    if (!training) return out;
    await k.rnnBackward({ ...backwardBase, activation: c.activation });
  }
  for (const [name, buffer] of Object.entries(grads)) if (buffer) out[name] = buffer;
  return out;
}
