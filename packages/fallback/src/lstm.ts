/**
 * LSTM forward and backward, PyTorch gate order i, f, g, o (σ = recurrentActivation, act = activation,
 * m = recurrent mask or 1, [..] = peephole terms):
 * ```
 * i  = σ(W_ii x + b_ii + W_hi (m ⊙ h) + b_hi [+ p_i ⊙ c])
 * f  = σ(W_if x + b_if + W_hf (m ⊙ h) + b_hf [+ p_f ⊙ c])
 * g  = act(W_ig x + b_ig + W_hg (m ⊙ h) + b_hg)
 * c' = f ⊙ c + i ⊙ g
 * o  = σ(W_io x + b_io + W_ho (m ⊙ h) + b_ho [+ p_o ⊙ c'])
 * h' = o ⊙ act(c')
 * ```
 * Backward, with dh, dc the gradients of the state leaving the step:
 * ```
 * dô = dh ⊙ act(c') ⊙ σ'(o)                    dĉ = dc + dh ⊙ o ⊙ act'(c') [+ dô ⊙ p_o]
 * dî = dĉ ⊙ g ⊙ σ'(i)   df̂ = dĉ ⊙ c ⊙ σ'(f)   dĝ = dĉ ⊙ i ⊙ act'(g)
 * dc_prev = dĉ ⊙ f [+ dî ⊙ p_i + df̂ ⊙ p_f]     dh_prev = m ⊙ (dGates · W_hh)
 * ```
 * At a padded step (mask 0) h and c are carried over, and so are their gradients.
 *
 * Workspace: `gates [T, B, 4H]` (i, f, g, o after their activations), then `c [T, B, H]` (the cell
 * state after each step, the carried one at padded steps). At padded steps the gates region holds
 * the activations computed (and then discarded) there.
 */
import type { LstmBackwardArgs, LstmForwardArgs } from '@rnn/backend-api';
import { activateInPlace, activateInto, multiplyByDerivative } from './activations';
import { sgemm } from './gemm';
import { scratch, zeroedScratch, zeroedScratch64 } from './scratch';
import { accumulateWeightGradients, fillRowsWithBias, projectInputs } from './sequence';
import { type BackwardCell, type BackwardStep, type ForwardCell, type ForwardStep, gateRecurrentGradient, runBackward, runForward } from './sequence-loop';

/** LSTM over a whole sequence: one input-projection GEMM, then per step one recurrent GEMM and a fused gate pass. */
export function lstmForward(args: LstmForwardArgs): void {
  const { T, B, I, H, hT, cT, x, h0, c0, mask, wIh, bIh, bHh, recurrentMask, reverse } = args;
  const G = 4 * H;
  const cRegion = T * B * G;
  // Inference keeps the same layout in scratch of its own, and y too when the caller wants none.
  const ws = args.workspace ?? scratch('lstm.inferenceWorkspace', T * B * G + T * B * H); // gates [T, B, 4H] | c [T, B, H]
  const y = args.y ?? scratch('lstm.y', T * B * H); // [T, B, H]
  // Input projection of every step at once: gates [T·B, 4H] = (b_ih + b_hh) + X · W_ihᵀ.
  fillRowsWithBias(ws, 0, T * B, G, bIh, bHh, G);
  projectInputs(ws, x, wIh, T, B, I, G, args.batchFirst);
  const states = [
    { initial: h0, history: y, base: 0, final: hT },
    { initial: c0, history: ws, base: cRegion, final: cT },
  ];
  runForward({ T, B, H, reverse, mask, recurrentMask, states, scratchName: 'lstm.maskedH' }, new LstmForwardCell(args, ws, y));
}

/** One LSTM step: the recurrent GEMM into the step's gates, then per row the gates, c' and h'. */
class LstmForwardCell implements ForwardCell {
  private readonly actC: Float32Array; // [H] act(c') of one row

  constructor(
    private readonly args: LstmForwardArgs,
    private readonly ws: Float32Array, // gates [T, B, 4H] | c [T, B, H]
    private readonly y: Float32Array, // [T, B, H]
  ) {
    this.actC = scratch('lstm.actC', args.H);
  }

  step(step: ForwardStep): void {
    const { B, H, wHh, peephole, activation: act, recurrentActivation: rec } = this.args;
    const { ws, actC, y } = this;
    const { t } = step;
    const G = 4 * H;
    const BH = B * H;
    const gOff = t * B * G;
    const cPrev = step.prev[1];
    const cPrevOff = step.prevOff[1];
    const cBase = B * G * this.args.T + t * BH;
    // gates[t] += (m ⊙ h_{t-1}) · W_hhᵀ, straight into the step's block.
    sgemm(false, true, B, G, H, 1, step.hIn, step.hInOff, H, wHh, 0, H, 1, ws, gOff, G);
    for (let b = 0; b < B; b++) {
      const row = gOff + b * G; // i at row, f at row+H, g at row+2H, o at row+3H
      const cRow = cPrevOff + b * H;
      const cNew = cBase + b * H;
      const hNew = t * BH + b * H;
      if (peephole !== null) addPeepholeInputs(ws, row, peephole, cPrev, cRow, H);
      activateInPlace(rec, ws, row, 2 * H);
      activateInPlace(act, ws, row + 2 * H, H);
      for (let j = 0; j < H; j++) {
        ws[cNew + j] = ws[row + H + j] * cPrev[cRow + j] + ws[row + j] * ws[row + 2 * H + j];
      }
      if (peephole !== null) {
        for (let j = 0; j < H; j++) ws[row + 3 * H + j] += peephole[2 * H + j] * ws[cNew + j];
      }
      activateInPlace(rec, ws, row + 3 * H, H);
      activateInto(act, ws, cNew, actC, 0, H);
      for (let j = 0; j < H; j++) y[hNew + j] = ws[row + 3 * H + j] * actC[j];
    }
  }
}

/** The i and f gates of one row look at the previous cell state: `+= p_i ⊙ c`, `+= p_f ⊙ c`. */
function addPeepholeInputs(ws: Float32Array, row: number, peephole: Float32Array, cPrev: Float32Array, cRow: number, H: number): void {
  for (let j = 0; j < H; j++) {
    const cj = cPrev[cRow + j];
    ws[row + j] += peephole[j] * cj;
    ws[row + H + j] += peephole[H + j] * cj;
  }
}

/**
 * Gradients of an LSTM sequence: the time loop computes only dGates_t and dh_{t-1}; the weight,
 * input and bias gradients follow as GEMMs and sums over all steps at once.
 */
export function lstmBackward(args: LstmBackwardArgs): void {
  const { T, B, I, H, dx, dh0, dc0, dWIh, dWHh, dBIh, dBHh, dPeephole, dy, dhT, dcT } = args;
  const { x, h0, mask, wIh, y, recurrentMask, reverse } = args;
  const cell = new LstmBackwardCell(args);
  const states = [
    { final: dhT, initial: dh0, scratchName: 'lstm.dh' },
    { final: dcT, initial: dc0, scratchName: 'lstm.dc' },
  ];
  runBackward({ T, B, H, reverse, mask, recurrentMask, dy, y, h0, states }, cell);
  const hInit = h0 ?? cell.zeros;
  accumulateWeightGradients(dx, dWIh, dWHh, dBIh, dBHh, cell.dGates, x, wIh, y, hInit, recurrentMask, T, B, I, H, 4 * H, reverse);
  if (cell.dPeep !== null) for (let j = 0; j < 3 * H; j++) dPeephole![j] += cell.dPeep[j];
}

/** One LSTM backward step: per row, dGates from dh and dc, and the dc entering the step. */
class LstmBackwardCell implements BackwardCell {
  readonly carry = null;
  /** [T, B, 4H] gradients of the gate pre-activations. */
  readonly dGates: Float32Array;
  /** [3H] peephole gradient, summed in float64 over all steps; `null` without peepholes. */
  readonly dPeep: Float64Array | null;
  /** [B, H] zeros, for a missing initial state. */
  readonly zeros: Float32Array;
  private readonly actC: Float32Array; // [H] act(c')
  private readonly dActC: Float32Array; // [H] gradient reaching c' through h' = o ⊙ act(c')
  private readonly dcTotal: Float32Array; // [H] every gradient reaching c'

  constructor(private readonly args: LstmBackwardArgs) {
    const { T, B, H, peephole, dPeephole } = args;
    this.dGates = scratch('lstm.dGates', T * B * 4 * H);
    this.dPeep = peephole !== null && dPeephole !== null ? zeroedScratch64('lstm.dPeephole', 3 * H) : null;
    this.zeros = zeroedScratch('lstm.zeros', B * H);
    this.actC = scratch('lstm.actC', H);
    this.dActC = scratch('lstm.dActC', H);
    this.dcTotal = scratch('lstm.dcTotal', H);
  }

  step(step: BackwardStep): void {
    const { T, B, H, workspace: ws } = this.args;
    const { t } = step;
    const G = 4 * H;
    const gOff = t * B * G;
    const cPrev = step.s === 0 ? (this.args.c0 ?? this.zeros) : ws;
    const cPrevOff = step.s === 0 ? 0 : T * B * G + step.prevT * B * H;
    for (let b = 0; b < B; b++) {
      const row = gOff + b * G;
      if (step.padded(b)) {
        // Padding: the step did nothing, dh and dc pass through to the previous step unchanged.
        this.dGates.fill(0, row, row + G);
        continue;
      }
      this.rowGradients(step, row, b * H, cPrev, cPrevOff + b * H, T * B * G + t * B * H + b * H);
    }
  }

  /** dGates of one row, the dc entering the step, and the row's peephole gradient. */
  private rowGradients(step: BackwardStep, row: number, hb: number, cPrev: Float32Array, cRow: number, cNew: number): void {
    const { H, workspace: ws, peephole, activation: act, recurrentActivation: rec } = this.args;
    const { dGates, actC, dActC, dcTotal, dPeep } = this;
    const [dh, dc] = step.d;
    activateInto(act, ws, cNew, actC, 0, H);
    for (let j = 0; j < H; j++) {
      dGates[row + 3 * H + j] = dh[hb + j] * actC[j];
      dActC[j] = dh[hb + j] * ws[row + 3 * H + j];
    }
    multiplyByDerivative(rec, ws, row + 3 * H, dGates, row + 3 * H, H);
    multiplyByDerivative(act, actC, 0, dActC, 0, H);
    if (peephole !== null) {
      for (let j = 0; j < H; j++) dcTotal[j] = dc[hb + j] + dActC[j] + dGates[row + 3 * H + j] * peephole[2 * H + j];
    } else {
      for (let j = 0; j < H; j++) dcTotal[j] = dc[hb + j] + dActC[j];
    }
    for (let j = 0; j < H; j++) {
      const d = dcTotal[j];
      dGates[row + j] = d * ws[row + 2 * H + j];
      dGates[row + H + j] = d * cPrev[cRow + j];
      dGates[row + 2 * H + j] = d * ws[row + j];
    }
    multiplyByDerivative(rec, ws, row, dGates, row, 2 * H);
    multiplyByDerivative(act, ws, row + 2 * H, dGates, row + 2 * H, H);
    if (peephole !== null) {
      for (let j = 0; j < H; j++) {
        dc[hb + j] = dcTotal[j] * ws[row + H + j] + dGates[row + j] * peephole[j] + dGates[row + H + j] * peephole[H + j];
      }
    } else {
      for (let j = 0; j < H; j++) dc[hb + j] = dcTotal[j] * ws[row + H + j];
    }
    if (dPeep !== null) {
      for (let j = 0; j < H; j++) {
        const cj = cPrev[cRow + j];
        dPeep[j] += dGates[row + j] * cj;
        dPeep[H + j] += dGates[row + H + j] * cj;
        dPeep[2 * H + j] += dGates[row + 3 * H + j] * ws[cNew + j];
      }
    }
  }

  recurrentGradient(step: BackwardStep, out: Float32Array): void {
    const { B, H, wHh } = this.args;
    gateRecurrentGradient(out, this.dGates, step.t * B * 4 * H, wHh, B, H, 4 * H);
  }
}
