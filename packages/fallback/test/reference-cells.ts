/**
 * A float64 reference of the three cells, written the plain way (one step, one batch row, one unit
 * at a time, straight from the equations in `@rnn/backend-api`), so the fast kernels are checked
 * against something that shares none of their structure. Finite differences of this reference
 * are the ground truth for the gradient tests.
 */
import type { ActivationName, CellKind } from '@rnn/backend-api';

/** Every input and parameter of one kernel call, in float64. */
export interface ReferenceTensors {
  x: Float64Array; // [T, B, I]
  h0: Float64Array | null; // [B, H]
  c0: Float64Array | null; // [B, H]
  wIh: Float64Array; // [G·H, I]
  wHh: Float64Array; // [G·H, H]
  bIh: Float64Array | null; // [G·H]
  bHh: Float64Array | null; // [G·H]
  peephole: Float64Array | null; // [3H]
}

/** Sizes and options of one kernel call. */
export interface ReferenceOptions {
  cell: CellKind;
  T: number;
  B: number;
  I: number;
  H: number;
  mask: Float32Array | null; // [T, B]
  recurrentMask: Float32Array | null; // [B, H]
  reverse: boolean;
  resetAfter: boolean;
  activation: ActivationName;
  recurrentActivation: ActivationName;
}

/** What the reference computes: outputs, plus the workspace contents the contract documents. */
export interface ReferenceResult {
  y: Float64Array; // [T, B, H]
  hT: Float64Array; // [B, H]
  cT: Float64Array; // [B, H] (LSTM; zeros otherwise)
  gates: Float64Array; // [T, B, G·H] activations (empty for SimpleRNN)
  extra: Float64Array; // [T, B, H] LSTM c, GRU extra (empty for SimpleRNN)
}

export function activate(kind: ActivationName, v: number): number {
  switch (kind) {
    case 'tanh':
      return Math.tanh(v);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-v));
    case 'relu':
      return Math.max(0, v);
    case 'linear':
      return v;
    case 'hardSigmoid':
      return Math.min(1, Math.max(0, v / 6 + 0.5));
  }
}

const GATE_COUNT: Record<CellKind, number> = { lstm: 4, gru: 3, rnn: 1 };

/** Runs the cell over the sequence in float64. */
export function referenceForward(o: ReferenceOptions, p: ReferenceTensors): ReferenceResult {
  const { T, B, I, H } = o;
  const G = GATE_COUNT[o.cell];
  const y = new Float64Array(T * B * H);
  const gates = new Float64Array(o.cell === 'rnn' ? 0 : T * B * G * H);
  const extra = new Float64Array(o.cell === 'rnn' ? 0 : T * B * H);
  const h = new Float64Array(B * H);
  const c = new Float64Array(B * H);
  if (p.h0) h.set(p.h0);
  if (p.c0) c.set(p.c0);
  const f = (kind: ActivationName, v: number) => activate(kind, v);

  // Affine part of gate row `r` (0 ≤ r < G·H): input side, and recurrent side on the vector hv.
  const inputPart = (t: number, b: number, r: number) => {
    let s = p.bIh ? p.bIh[r] : 0;
    for (let k = 0; k < I; k++) s += p.wIh[r * I + k] * p.x[(t * B + b) * I + k];
    return s;
  };
  const recurrentPart = (hv: (j: number) => number, r: number) => {
    let s = p.bHh ? p.bHh[r] : 0;
    for (let k = 0; k < H; k++) s += p.wHh[r * H + k] * hv(k);
    return s;
  };

  for (let s = 0; s < T; s++) {
    const t = o.reverse ? T - 1 - s : s;
    const hOld = Float64Array.from(h);
    const cOld = Float64Array.from(c);
    for (let b = 0; b < B; b++) {
      const m = (k: number) => (o.recurrentMask ? o.recurrentMask[b * H + k] : 1);
      const hm = (k: number) => m(k) * hOld[b * H + k];
      const valid = !o.mask || o.mask[t * B + b] !== 0;
      const gBase = (t * B + b) * G * H;
      for (let j = 0; j < H; j++) {
        const cp = cOld[b * H + j];
        const hp = hOld[b * H + j];
        let hNew: number;
        let cNew = cp;
        if (o.cell === 'lstm') {
          const pe = p.peephole;
          const i = f(o.recurrentActivation, inputPart(t, b, j) + recurrentPart(hm, j) + (pe ? pe[j] * cp : 0));
          const fg = f(o.recurrentActivation, inputPart(t, b, H + j) + recurrentPart(hm, H + j) + (pe ? pe[H + j] * cp : 0));
          const g = f(o.activation, inputPart(t, b, 2 * H + j) + recurrentPart(hm, 2 * H + j));
          cNew = fg * cp + i * g;
          const og = f(o.recurrentActivation, inputPart(t, b, 3 * H + j) + recurrentPart(hm, 3 * H + j) + (pe ? pe[2 * H + j] * cNew : 0));
          hNew = og * f(o.activation, cNew);
          gates[gBase + j] = i;
          gates[gBase + H + j] = fg;
          gates[gBase + 2 * H + j] = g;
          gates[gBase + 3 * H + j] = og;
        } else if (o.cell === 'gru') {
          const r = f(o.recurrentActivation, inputPart(t, b, j) + recurrentPart(hm, j));
          const z = f(o.recurrentActivation, inputPart(t, b, H + j) + recurrentPart(hm, H + j));
          gates[gBase + j] = r;
          gates[gBase + H + j] = z;
          hNew = z; // n is filled in the second pass below: it needs every r of this row
        } else {
          hNew = f(o.activation, inputPart(t, b, j) + recurrentPart(hm, j));
        }
        if (o.cell !== 'gru') {
          h[b * H + j] = valid ? hNew : hp;
          c[b * H + j] = valid ? cNew : cp;
          if (o.cell === 'lstm') extra[(t * B + b) * H + j] = c[b * H + j];
        }
      }
      if (o.cell === 'gru') {
        const r = (k: number) => gates[gBase + k];
        const rmh = (k: number) => r(k) * hm(k);
        for (let j = 0; j < H; j++) {
          let pre: number;
          if (o.resetAfter) {
            const hn = recurrentPart(hm, 2 * H + j);
            extra[(t * B + b) * H + j] = hn;
            pre = inputPart(t, b, 2 * H + j) + r(j) * hn;
          } else {
            extra[(t * B + b) * H + j] = rmh(j);
            pre = inputPart(t, b, 2 * H + j) + recurrentPart(rmh, 2 * H + j);
          }
          const n = f(o.activation, pre);
          gates[gBase + 2 * H + j] = n;
          const z = gates[gBase + H + j];
          const hp = hOld[b * H + j];
          h[b * H + j] = valid ? (1 - z) * n + z * hp : hp;
        }
      }
      for (let j = 0; j < H; j++) y[(t * B + b) * H + j] = h[b * H + j];
    }
  }
  return { y, hT: Float64Array.from(h), cT: Float64Array.from(c), gates, extra };
}
