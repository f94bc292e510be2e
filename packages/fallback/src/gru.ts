/**
 * GRU forward and backward, PyTorch gate order r, z, n (σ = recurrentActivation, act = activation,
 * m = recurrent mask or 1):
 * ```
 * r  = σ(W_ir x + b_ir + W_hr (m ⊙ h) + b_hr)
 * z  = σ(W_iz x + b_iz + W_hz (m ⊙ h) + b_hz)
 * resetAfter:   n = act(W_in x + b_in + r ⊙ (W_hn (m ⊙ h) + b_hn))      extra = W_hn (m ⊙ h) + b_hn
 * reset before: n = act(W_in x + b_in + W_hn (r ⊙ m ⊙ h) + b_hn)        extra = r ⊙ m ⊙ h
 * h' = n + z ⊙ (h − n) = (1 − z) ⊙ n + z ⊙ h
 * ```
 * Backward (dh = gradient of the state leaving the step; hats are pre-activation gradients):
 * ```
 * dn̂ = dh ⊙ (1 − z) ⊙ act'(n)        dẑ = dh ⊙ (h − n) ⊙ σ'(z)        dh_prev ∋ dh ⊙ z
 * resetAfter:   dr̂ = dn̂ ⊙ extra ⊙ σ'(r); the recurrent side of n sees dn̂ ⊙ r (for W_hn, b_hn, dh_prev)
 * reset before: d(r⊙m⊙h) = dn̂ · W_hn; dr̂ = d(r⊙m⊙h) ⊙ m ⊙ h ⊙ σ'(r); dh_prev ∋ m ⊙ r ⊙ d(r⊙m⊙h);
 *               dW_hn += dn̂ᵀ · extra
 * ```
 * At a padded step (mask 0) h is carried over, and so is its gradient.
 *
 * Workspace: `gates [T, B, 3H]` (r, z, n after their activations), then `extra [T, B, H]` as above.
 * At padded steps both hold the values computed (and then discarded) there.
 */
import type { GruBackwardArgs, GruForwardArgs } from '@rnn/backend-api';
import { activateInPlace, multiplyByDerivative } from './activations';
import { sgemm } from './gemm';
import { scratch, zeroedScratch } from './scratch';
import { addColumnSums, copyRange, fillRowsWithBias, gatherRecurrentInputs, projectInputs } from './sequence';
import { type BackwardCell, type BackwardStep, type ForwardCell, type ForwardStep, runBackward, runForward } from './sequence-loop';

/** GRU over a whole sequence: one input-projection GEMM, then per step the recurrent GEMMs and fused gate passes. */
export function gruForward(args: GruForwardArgs): void {
  const { T, B, I, H, hT, x, h0, mask, wIh, bIh, bHh, recurrentMask, reverse, resetAfter } = args;
  const G = 3 * H;
  // Inference keeps the same layout in scratch of its own, and y too when the caller wants none.
  const ws = args.workspace ?? scratch('gru.inferenceWorkspace', T * B * G + T * B * H); // gates [T, B, 3H] | extra [T, B, H]
  const y = args.y ?? scratch('gru.y', T * B * H); // [T, B, H]
  // Input projection of every step at once: gates [T·B, 3H] = b_ih + X · W_ihᵀ, plus the part of
  // b_hh that is added outside r ⊙ (·): r and z always, n too when the reset comes before.
  fillRowsWithBias(ws, 0, T * B, G, bIh, bHh, resetAfter ? 2 * H : G);
  projectInputs(ws, x, wIh, T, B, I, G, args.batchFirst);
  const states = [{ initial: h0, history: y, base: 0, final: hT }];
  runForward({ T, B, H, reverse, mask, recurrentMask, states, scratchName: 'gru.maskedH' }, new GruForwardCell(args, ws, y));
}

/** One GRU step: r and z from one GEMM, n with the reset after or before its GEMM, then h'. */
class GruForwardCell implements ForwardCell {
  constructor(
    private readonly args: GruForwardArgs,
    private readonly ws: Float32Array, // gates [T, B, 3H] | extra [T, B, H]
    private readonly y: Float32Array, // [T, B, H]
  ) {}

  step(step: ForwardStep): void {
    const { T, B, H, wHh, resetAfter } = this.args;
    const { ws, y } = this;
    const G = 3 * H;
    const gOff = step.t * B * G;
    const eOff = T * B * G + step.t * B * H;
    // r, z: gates[t][:, 0:2H] += hIn · W_h{r,z}ᵀ
    sgemm(false, true, B, 2 * H, H, 1, step.hIn, step.hInOff, H, wHh, 0, H, 1, ws, gOff, G);
    if (resetAfter) this.resetAfter(step, gOff, eOff);
    else this.resetBefore(step, gOff, eOff);
    const hPrev = step.prev[0];
    for (let b = 0; b < B; b++) {
      const row = gOff + b * G;
      const hRow = step.prevOff[0] + b * H;
      const hNew = step.t * B * H + b * H;
      for (let j = 0; j < H; j++) {
        const n = ws[row + 2 * H + j];
        y[hNew + j] = n + ws[row + H + j] * (hPrev[hRow + j] - n);
      }
    }
  }

  /** extra[t] = hIn · W_hnᵀ + b_hn; n = act(n̂ + r ⊙ extra). */
  private resetAfter(step: ForwardStep, gOff: number, eOff: number): void {
    const { B, H, wHh, bHh, activation: act, recurrentActivation: rec } = this.args;
    const { ws } = this;
    if (bHh !== null) {
      for (let b = 0; b < B; b++) copyRange(ws, eOff + b * H, bHh, 2 * H, H);
    }
    sgemm(false, true, B, H, H, 1, step.hIn, step.hInOff, H, wHh, 2 * H * H, H, bHh !== null ? 1 : 0, ws, eOff, H);
    for (let b = 0; b < B; b++) {
      const row = gOff + b * 3 * H;
      const e = eOff + b * H;
      activateInPlace(rec, ws, row, 2 * H);
      for (let j = 0; j < H; j++) ws[row + 2 * H + j] += ws[row + j] * ws[e + j];
      activateInPlace(act, ws, row + 2 * H, H);
    }
  }

  /** extra[t] = r ⊙ hIn; n = act(n̂ + extra · W_hnᵀ). */
  private resetBefore(step: ForwardStep, gOff: number, eOff: number): void {
    const { B, H, wHh, activation: act, recurrentActivation: rec } = this.args;
    const { ws } = this;
    const { hIn, hInOff } = step;
    for (let b = 0; b < B; b++) {
      const row = gOff + b * 3 * H;
      const e = eOff + b * H;
      const hRow = hInOff + b * H;
      activateInPlace(rec, ws, row, 2 * H);
      for (let j = 0; j < H; j++) ws[e + j] = ws[row + j] * hIn[hRow + j];
    }
    // n: gates[t][:, 2H:3H] += extra[t] · W_hnᵀ
    sgemm(false, true, B, H, H, 1, ws, eOff, H, wHh, 2 * H * H, H, 1, ws, gOff + 2 * H, 3 * H);
    for (let b = 0; b < B; b++) activateInPlace(act, ws, gOff + b * 3 * H + 2 * H, H);
  }
}

/**
 * Gradients of a GRU sequence: the time loop computes only dGates_t and dh_{t-1}; the weight,
 * input and bias gradients follow as GEMMs and sums over all steps at once.
 */
export function gruBackward(args: GruBackwardArgs): void {
  const { T, B, H, dh0, dy, dhT, h0, mask, y, recurrentMask, reverse } = args;
  const cell = new GruBackwardCell(args);
  runBackward({ T, B, H, reverse, mask, recurrentMask, dy, y, h0, states: [{ final: dhT, initial: dh0, scratchName: 'gru.dh' }] }, cell);
  gruWeightGradients(args, cell.dGates, cell.dNRecurrent, h0 ?? cell.zeros);
}

/** One GRU backward step: per row dn̂, dẑ and dr̂ (after the n-gate GEMM when the reset comes before). */
class GruBackwardCell implements BackwardCell {
  /** [T, B, 3H] gate pre-activation gradients (input side). */
  readonly dGates: Float32Array;
  /** [T, B, H] resetAfter: dn̂ ⊙ r, the n-gate gradient as W_hn and b_hn see it; else `null`. */
  readonly dNRecurrent: Float32Array | null;
  /** [B, H] dh ⊙ z, the part of dh_{t-1} through h' = … + z ⊙ h. */
  readonly carry: Float32Array;
  /** [B, H] zeros, for a missing initial state. */
  readonly zeros: Float32Array;
  /** [B, H] reset before: gradient of r ⊙ m ⊙ h, the input of the n-gate recurrent GEMM; else `null`. */
  private readonly dResetH: Float32Array | null;

  constructor(private readonly args: GruBackwardArgs) {
    const { T, B, H, resetAfter } = args;
    this.dGates = scratch('gru.dGates', T * B * 3 * H);
    this.dNRecurrent = resetAfter ? scratch('gru.dNRecurrent', T * B * H) : null;
    this.dResetH = resetAfter ? null : scratch('gru.dResetH', B * H);
    this.carry = scratch('gru.dhCarry', B * H);
    this.zeros = zeroedScratch('gru.zeros', B * H);
  }

  step(step: BackwardStep): void {
    const { B, H } = this.args;
    const gOff = step.t * B * 3 * H;
    for (let b = 0; b < B; b++) {
      const row = gOff + b * 3 * H;
      if (step.padded(b)) {
        this.dGates.fill(0, row, row + 3 * H);
        this.dNRecurrent?.fill(0, step.t * B * H + b * H, step.t * B * H + b * H + H);
        continue;
      }
      this.rowGradients(step, row, b * H);
    }
    if (this.dResetH !== null) this.resetGradientsBefore(step, gOff, this.dResetH);
  }

  /** dn̂, dẑ, the carry dh ⊙ z, and with the reset after, dr̂ and dn̂ ⊙ r of one row. */
  private rowGradients(step: BackwardStep, row: number, hb: number): void {
    const { T, B, H, workspace: ws, activation: act, recurrentActivation: rec } = this.args;
    const { dGates, dNRecurrent, carry } = this;
    const dh = step.d[0];
    const hPrev = step.hPrev;
    const hRow = step.hPrevOff + hb;
    for (let j = 0; j < H; j++) {
      const z = ws[row + H + j];
      const d = dh[hb + j];
      dGates[row + 2 * H + j] = d * (1 - z);
      dGates[row + H + j] = d * (hPrev[hRow + j] - ws[row + 2 * H + j]);
      carry[hb + j] = d * z;
    }
    multiplyByDerivative(act, ws, row + 2 * H, dGates, row + 2 * H, H);
    multiplyByDerivative(rec, ws, row + H, dGates, row + H, H);
    if (dNRecurrent === null) return;
    const e = T * B * 3 * H + step.t * B * H + hb;
    const nr = step.t * B * H + hb;
    for (let j = 0; j < H; j++) {
      const dn = dGates[row + 2 * H + j];
      dGates[row + j] = dn * ws[e + j];
      dNRecurrent[nr + j] = dn * ws[row + j];
    }
    multiplyByDerivative(rec, ws, row, dGates, row, H);
  }

  /** Reset before: d(r ⊙ m ⊙ h) = dn̂ · W_hn, then dr̂ = d(r ⊙ m ⊙ h) ⊙ m ⊙ h ⊙ σ'(r). */
  private resetGradientsBefore(step: BackwardStep, gOff: number, dResetH: Float32Array): void {
    const { B, H, wHh, workspace: ws, recurrentMask, recurrentActivation: rec } = this.args;
    const { dGates } = this;
    const hPrev = step.hPrev;
    sgemm(false, false, B, H, H, 1, dGates, gOff + 2 * H, 3 * H, wHh, 2 * H * H, H, 0, dResetH, 0, H);
    for (let b = 0; b < B; b++) {
      if (step.padded(b)) continue;
      const row = gOff + b * 3 * H;
      const hb = b * H;
      const hRow = step.hPrevOff + hb;
      if (recurrentMask !== null) {
        for (let j = 0; j < H; j++) dGates[row + j] = dResetH[hb + j] * hPrev[hRow + j] * recurrentMask[hb + j];
      } else {
        for (let j = 0; j < H; j++) dGates[row + j] = dResetH[hb + j] * hPrev[hRow + j];
      }
      multiplyByDerivative(rec, ws, row, dGates, row, H);
    }
  }

  /** What reaches m ⊙ h_{t-1}: through W_hr, W_hz, and W_hn (after the reset) or r ⊙ · (before it). */
  recurrentGradient(step: BackwardStep, out: Float32Array): void {
    const { B, H, wHh, workspace: ws } = this.args;
    const gOff = step.t * B * 3 * H;
    sgemm(false, false, B, H, 2 * H, 1, this.dGates, gOff, 3 * H, wHh, 0, H, 0, out, 0, H);
    if (this.dNRecurrent !== null) {
      sgemm(false, false, B, H, H, 1, this.dNRecurrent, step.t * B * H, H, wHh, 2 * H * H, H, 1, out, 0, H);
      return;
    }
    const dResetH = this.dResetH!;
    for (let b = 0; b < B; b++) {
      const row = gOff + b * 3 * H;
      const hb = b * H;
      for (let j = 0; j < H; j++) out[hb + j] += dResetH[hb + j] * ws[row + j];
    }
  }
}

/**
 * After the loop, all steps at once: dX = dGates · W_ih, dW_ih += dGatesᵀ · X, the recurrent
 * weights (W_hn sees dn̂ ⊙ r after the reset, dn̂ and r ⊙ m ⊙ h before it) and the bias sums.
 */
function gruWeightGradients(args: GruBackwardArgs, dGates: Float32Array, dNRecurrent: Float32Array | null, hInit: Float32Array): void {
  const { T, B, I, H, dx, dWIh, dWHh, dBIh, dBHh, x, wIh, y, workspace: ws, recurrentMask, reverse, resetAfter } = args;
  const TB = T * B;
  const G = 3 * H;
  if (dx !== null) sgemm(false, false, TB, I, G, 1, dGates, 0, G, wIh, 0, I, 0, dx, 0, I);
  sgemm(true, false, G, I, TB, 1, dGates, 0, G, x, 0, I, 1, dWIh, 0, I);
  // b_ih gets the sums of dGates; so does b_hh when the reset comes before (b_hn outside r ⊙ ·).
  const sameBiasGrad = !resetAfter && dBHh !== null;
  if (dBIh !== null) addColumnSums(dBIh, 0, dGates, 0, TB, G, G, sameBiasGrad ? dBHh : null);
  const hPrevAll = scratch('gru.hPrevAll', TB * H); // [T, B, H] m ⊙ h_{t-1} of every step
  gatherRecurrentInputs(hPrevAll, y, hInit, recurrentMask, T, B, H, reverse);
  // W_hr, W_hz: dW += dGates[:, 0:2H]ᵀ · (m ⊙ H_prev)
  sgemm(true, false, 2 * H, H, TB, 1, dGates, 0, G, hPrevAll, 0, H, 1, dWHh, 0, H);
  if (dNRecurrent !== null) {
    // W_hn sees (m ⊙ H_prev) and the gradient dn̂ ⊙ r; so does b_hn.
    sgemm(true, false, H, H, TB, 1, dNRecurrent, 0, H, hPrevAll, 0, H, 1, dWHh, 2 * H * H, H);
    if (dBHh !== null) {
      addColumnSums(dBHh, 0, dGates, 0, TB, G, 2 * H);
      addColumnSums(dBHh, 2 * H, dNRecurrent, 0, TB, H, H);
    }
  } else {
    // W_hn sees r ⊙ m ⊙ H_prev (the workspace's extra region) and dn̂; b_hn is outside r.
    sgemm(true, false, H, H, TB, 1, dGates, 2 * H, G, ws, TB * G, H, 1, dWHh, 2 * H * H, H);
    if (sameBiasGrad && dBIh === null) addColumnSums(dBHh!, 0, dGates, 0, TB, G, G);
  }
}
