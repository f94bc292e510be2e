/**
 * The time loop of every recurrent kernel, written once. The loop owns the bookkeeping: step order
 * and direction, the states entering each step (initial or the previous step's), the recurrent
 * dropout mask `m ⊙ h_{t-1}`, padding (a padded row carries every state over), the final states;
 * backward, also `dy` accumulation into `dh`, `dh_{t-1}` from the recurrent gradient, and the
 * gradients of the initial states. A cell supplies only its step math (`ForwardCell`, `BackwardCell`).
 *
 * Everything here is time-major: step t of a `[T, B, X]` buffer is the contiguous block at `t·B·X`.
 * The loop allocates nothing per step: its views are made once per call and updated in place.
 */
import { sgemm } from './gemm';
import { scratch, zeroedScratch } from './scratch';
import { copyRange, multiplyInto, timeAt } from './sequence';

/** A state the forward loop carries: its initial value, and where each step leaves it. */
export interface CarriedState {
  /** [B, H] the state before the first step processed; `null` = zeros. */
  initial: Float32Array | null;
  /** Holds the state after step t at `base + t·B·H` (`y` for h, a workspace region for LSTM's c). */
  history: Float32Array;
  base: number;
  /** [B, H] output: the state after the last step processed. */
  final: Float32Array;
}

/** What a forward step sees; one object per call, updated in place before each step. */
export class ForwardStep {
  /** Steps processed before this one. */
  s = 0;
  /** Time index of this step. */
  t = 0;
  /** Where each carried state enters this step (`prev[k]` at `prevOff[k]`, rows of H floats). */
  readonly prev: Float32Array[];
  readonly prevOff: number[];
  /** `m ⊙ h_{t-1}`, what the recurrent GEMM reads: `hIn` at `hInOff` ([B, H]). */
  hIn: Float32Array;
  hInOff = 0;

  constructor(states: number) {
    this.prev = new Array<Float32Array>(states).fill(EMPTY);
    this.prevOff = new Array<number>(states).fill(0);
    this.hIn = EMPTY;
  }
}

/** A cell's forward step: gates and new states of every row of step `step.t` (padded rows too). */
export interface ForwardCell {
  step(step: ForwardStep): void;
}

/** What both loops take from the kernel's arguments. */
export interface LoopArgs {
  T: number;
  B: number;
  H: number;
  reverse: boolean;
  /** [T, B] 1 = step counts, 0 = padding; `null` = all 1. */
  mask: Float32Array | null;
  /** [B, H] recurrent dropout mask; `null` = none. */
  recurrentMask: Float32Array | null;
}

/** The loop's part of a forward call. `states[0]` is the hidden state h, with `y` as its history. */
export interface ForwardLoop extends LoopArgs {
  states: CarriedState[];
  /** Name of the `[B, H]` scratch that holds `m ⊙ h_{t-1}`. */
  scratchName: string;
}

const EMPTY = new Float32Array(0);

/** Runs `cell` over every step of the sequence, in order, then writes the final states. */
export function runForward(loop: ForwardLoop, cell: ForwardCell): void {
  const { T, B, H, reverse, mask, recurrentMask, states } = loop;
  const BH = B * H;
  const zeros = zeroedScratch('loop.zeros', BH); // [B, H]
  const masked = recurrentMask === null ? null : scratch(loop.scratchName, BH); // [B, H] m ⊙ h_{t-1}
  const step = new ForwardStep(states.length);
  for (let s = 0; s < T; s++) {
    const t = timeAt(s, T, reverse);
    const prevT = s === 0 ? -1 : timeAt(s - 1, T, reverse);
    for (let k = 0; k < states.length; k++) {
      const state = states[k];
      step.prev[k] = s === 0 ? (state.initial ?? zeros) : state.history;
      step.prevOff[k] = s === 0 ? 0 : state.base + prevT * BH;
    }
    step.s = s;
    step.t = t;
    if (masked !== null) {
      multiplyInto(masked, step.prev[0], step.prevOff[0], recurrentMask!, BH);
      step.hIn = masked;
      step.hInOff = 0;
    } else {
      step.hIn = step.prev[0];
      step.hInOff = step.prevOff[0];
    }
    cell.step(step);
    if (mask !== null) carryPaddedRows(step, states, mask, t, B, H);
  }
  for (const state of states) {
    if (T === 0) copyRange(state.final, 0, state.initial ?? zeros, 0, BH);
    else copyRange(state.final, 0, state.history, state.base + timeAt(T - 1, T, reverse) * BH, BH);
  }
}

/** Padding: rows whose step t is masked out keep every state they entered it with (Keras masking). */
function carryPaddedRows(step: ForwardStep, states: CarriedState[], mask: Float32Array, t: number, B: number, H: number): void {
  for (let b = 0; b < B; b++) {
    if (mask[t * B + b] !== 0) continue;
    for (let k = 0; k < states.length; k++) {
      copyRange(states[k].history, states[k].base + t * B * H + b * H, step.prev[k], step.prevOff[k] + b * H, H);
    }
  }
}

/** What a backward step sees; one object per call, updated in place before each step. */
export class BackwardStep {
  /** Steps processed before this one in forward order (backward visits s = T−1 … 0). */
  s = 0;
  /** Time index of this step. */
  t = 0;
  /** `h_{t-1}` as forward saw it before the recurrent mask: `hPrev` at `hPrevOff` ([B, H]). */
  hPrev: Float32Array = EMPTY;
  hPrevOff = 0;
  /** Time index of the previous step processed, −1 at the first. */
  prevT = -1;
  /** [B, H] each: the gradients of the states leaving this step (`d[0]` = dh; LSTM's `d[1]` = dc). */
  readonly d: Float32Array[];
  /** [T, B] forward's mask, or `null`. */
  readonly mask: Float32Array | null;
  readonly B: number;

  constructor(d: Float32Array[], mask: Float32Array | null, B: number) {
    this.d = d;
    this.mask = mask;
    this.B = B;
  }

  /** Whether row b was padding at this step (its states, and so their gradients, pass through). */
  padded(b: number): boolean {
    return this.mask !== null && this.mask[this.t * this.B + b] === 0;
  }
}

/**
 * A cell's backward step. `step` turns the gradients leaving step t (`step.d`) into the step's gate
 * gradients, and updates the cell's own carried gradients (`d[1]` …) to those entering it; padded
 * rows keep theirs and get zero gate gradients. `recurrentGradient` writes `out [B, H]`, what reaches
 * `m ⊙ h_{t-1}` through the recurrent GEMMs; `carry`, when not null, is the part of `dh_{t-1}` that
 * bypasses them (`[B, H]`, written by `step`: GRU's `dh ⊙ z`).
 */
export interface BackwardCell {
  step(step: BackwardStep): void;
  recurrentGradient(step: BackwardStep, out: Float32Array): void;
  readonly carry: Float32Array | null;
}

/** The gradients of one state: w.r.t. its final value (in) and its initial value (out). */
export interface StateGradient {
  /** [B, H] gradient w.r.t. the final state; `null` = zeros. */
  final: Float32Array | null;
  /** [B, H] output: gradient w.r.t. the initial state; `null` = not wanted. */
  initial: Float32Array | null;
  /** Name of the `[B, H]` scratch the loop carries this gradient in. */
  scratchName: string;
}

/** The loop's part of a backward call. `states[0]` is the hidden state h. */
export interface BackwardLoop extends LoopArgs {
  /** [T, B, H] gradient w.r.t. `y`; `null` = zeros. */
  dy: Float32Array | null;
  /** [T, B, H] forward's `y`, the history of h. */
  y: Float32Array;
  /** [B, H] forward's initial h; `null` = zeros. */
  h0: Float32Array | null;
  states: StateGradient[];
}

/** Runs `cell` backwards over every step: t = last processed … first, then writes the initial states' gradients. */
export function runBackward(loop: BackwardLoop, cell: BackwardCell): void {
  const { T, B, H, reverse, dy, y, states } = loop;
  const BH = B * H;
  const d = states.map(({ final, scratchName }) => {
    const g = scratch(scratchName, BH); // [B, H]
    if (final !== null) copyRange(g, 0, final, 0, BH);
    else g.fill(0, 0, BH);
    return g;
  });
  const step = new BackwardStep(d, loop.mask, B);
  const dhRecurrent = scratch('loop.dhRecurrent', BH); // [B, H] what reaches m ⊙ h_{t-1}
  const hInit = loop.h0 ?? zeroedScratch('loop.zeros', BH); // [B, H]
  const needFirst = states[0].initial !== null; // dh_{-1} only feeds dh0
  for (let s = T - 1; s >= 0; s--) {
    const t = timeAt(s, T, reverse);
    step.s = s;
    step.t = t;
    step.prevT = s === 0 ? -1 : timeAt(s - 1, T, reverse);
    step.hPrev = s === 0 ? hInit : y;
    step.hPrevOff = s === 0 ? 0 : step.prevT * BH;
    if (dy !== null) {
      const dh = d[0];
      const off = t * BH;
      for (let k = 0; k < BH; k++) dh[k] += dy[off + k];
    }
    cell.step(step);
    if (s === 0 && !needFirst) break;
    cell.recurrentGradient(step, dhRecurrent);
    propagateHidden(step, dhRecurrent, loop.recurrentMask, cell.carry, H);
  }
  states.forEach(({ initial }, k) => {
    if (initial !== null) copyRange(initial, 0, d[k], 0, BH);
  });
}

/** dh_{t-1} = m ⊙ dhRecurrent (+ carry) on real rows; padded rows keep the dh they carry. */
function propagateHidden(
  step: BackwardStep,
  dhRecurrent: Float32Array, // [B, H]
  recurrentMask: Float32Array | null, // [B, H]
  carry: Float32Array | null, // [B, H]
  H: number,
): void {
  const dh = step.d[0];
  for (let b = 0; b < step.B; b++) {
    if (step.padded(b)) continue;
    const hb = b * H;
    if (recurrentMask !== null && carry !== null) {
      for (let j = 0; j < H; j++) dh[hb + j] = dhRecurrent[hb + j] * recurrentMask[hb + j] + carry[hb + j];
    } else if (recurrentMask !== null) {
      for (let j = 0; j < H; j++) dh[hb + j] = dhRecurrent[hb + j] * recurrentMask[hb + j];
    } else if (carry !== null) {
      for (let j = 0; j < H; j++) dh[hb + j] = dhRecurrent[hb + j] + carry[hb + j];
    } else {
      copyRange(dh, hb, dhRecurrent, hb, H);
    }
  }
}

/** `out [B, H] = dGates_t · W_hh`: the recurrent gradient of cells whose every gate sees `W_hh (m ⊙ h)` alike. */
export function gateRecurrentGradient(
  out: Float32Array, // [B, H]
  dGates: Float32Array, // [T, B, G]
  gOff: number, // offset of step t in dGates
  wHh: Float32Array, // [G, H]
  B: number,
  H: number,
  G: number,
): void {
  sgemm(false, false, B, H, G, 1, dGates, gOff, G, wHh, 0, H, 0, out, 0, H);
}
