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
import {
  accumulateWeightGradients,
  copyRange,
  fillRowsWithBias,
  multiplyInto,
  propagateHiddenGradient,
  timeAt,
} from './sequence';

/** LSTM over a whole sequence: one input-projection GEMM, then per step one recurrent GEMM and a fused gate pass. */
export function lstmForward(args: LstmForwardArgs): void {
  const { T, B, I, H, y, hT, cT, x, h0, c0, mask, wIh, wHh, bIh, bHh, peephole, recurrentMask, reverse } = args;
  const act = args.activation;
  const rec = args.recurrentActivation;
  const G = 4 * H;
  const BH = B * H;
  const BG = B * G;
  const cRegion = T * BG;
  // Inference keeps the same layout in scratch of its own.
  const ws = args.workspace ?? scratch('lstm.inferenceWorkspace', T * BG + T * BH); // gates [T, B, 4H] | c [T, B, H]
  const zeros = zeroedScratch('lstm.zeros', BH); // [B, H]
  const hInit = h0 ?? zeros; // [B, H]
  const cInit = c0 ?? zeros; // [B, H]
  if (T === 0) {
    copyRange(hT, 0, hInit, 0, BH);
    copyRange(cT, 0, cInit, 0, BH);
    return;
  }

  // Input projection of every step at once: gates [T·B, 4H] = (b_ih + b_hh) + X · W_ihᵀ.
  fillRowsWithBias(ws, 0, T * B, G, bIh, bHh, G);
  sgemm(false, true, T * B, G, I, 1, x, 0, I, wIh, 0, I, 1, ws, 0, G);

  const maskedH = recurrentMask === null ? null : scratch('lstm.maskedH', BH); // [B, H]
  const actC = scratch('lstm.actC', H); // [H] act(c') of one row

  for (let s = 0; s < T; s++) {
    const t = timeAt(s, T, reverse);
    const prevT = s === 0 ? -1 : timeAt(s - 1, T, reverse);
    const hPrev = s === 0 ? hInit : y;
    const hPrevOff = s === 0 ? 0 : prevT * BH;
    const cPrev = s === 0 ? cInit : ws;
    const cPrevOff = s === 0 ? 0 : cRegion + prevT * BH;
    const gOff = t * BG;

    // gates[t] += (m ⊙ h_{t-1}) · W_hhᵀ, straight into the step's block.
    if (maskedH !== null) {
      multiplyInto(maskedH, hPrev, hPrevOff, recurrentMask!, BH);
      sgemm(false, true, B, G, H, 1, maskedH, 0, H, wHh, 0, H, 1, ws, gOff, G);
    } else {
      sgemm(false, true, B, G, H, 1, hPrev, hPrevOff, H, wHh, 0, H, 1, ws, gOff, G);
    }

    for (let b = 0; b < B; b++) {
      const row = gOff + b * G; // i at row, f at row+H, g at row+2H, o at row+3H
      const hRow = hPrevOff + b * H;
      const cRow = cPrevOff + b * H;
      const cNew = cRegion + t * BH + b * H;
      const hNew = t * BH + b * H;
      if (peephole !== null) {
        for (let j = 0; j < H; j++) {
          const cj = cPrev[cRow + j];
          ws[row + j] += peephole[j] * cj;
          ws[row + H + j] += peephole[H + j] * cj;
        }
      }
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

      if (mask !== null && mask[t * B + b] === 0) {
        // Padding: carry h and c over (Keras masking).
        copyRange(y, hNew, hPrev, hRow, H);
        copyRange(ws, cNew, cPrev, cRow, H);
      }
    }
  }

  const lastT = timeAt(T - 1, T, reverse);
  copyRange(hT, 0, y, lastT * BH, BH);
  copyRange(cT, 0, ws, cRegion + lastT * BH, BH);
}

/**
 * Gradients of an LSTM sequence: the time loop computes only dGates_t and dh_{t-1}; the weight,
 * input and bias gradients follow as GEMMs and sums over all steps at once.
 */
export function lstmBackward(args: LstmBackwardArgs): void {
  const { T, B, I, H, dx, dh0, dc0, dWIh, dWHh, dBIh, dBHh, dPeephole, dy, dhT, dcT } = args;
  const { x, h0, c0, mask, wIh, wHh, y, workspace: ws, recurrentMask, peephole, reverse } = args;
  const act = args.activation;
  const rec = args.recurrentActivation;
  const G = 4 * H;
  const BH = B * H;
  const BG = B * G;
  const TB = T * B;
  const cRegion = T * BG;

  const dh = scratch('lstm.dh', BH); // [B, H] gradient of the hidden state leaving the current step
  const dc = scratch('lstm.dc', BH); // [B, H] gradient of the cell state leaving the current step
  if (dhT !== null) copyRange(dh, 0, dhT, 0, BH);
  else dh.fill(0, 0, BH);
  if (dcT !== null) copyRange(dc, 0, dcT, 0, BH);
  else dc.fill(0, 0, BH);
  if (T === 0) {
    if (dh0 !== null) copyRange(dh0, 0, dh, 0, BH);
    if (dc0 !== null) copyRange(dc0, 0, dc, 0, BH);
    return;
  }

  const zeros = zeroedScratch('lstm.zeros', BH); // [B, H]
  const hInit = h0 ?? zeros; // [B, H]
  const cInit = c0 ?? zeros; // [B, H]
  const dGates = scratch('lstm.dGates', TB * G); // [T, B, 4H] gradients of the gate pre-activations
  const dhRecurrent = scratch('lstm.dhRecurrent', BH); // [B, H] dGates_t · W_hh
  const actC = scratch('lstm.actC', H); // [H] act(c')
  const dActC = scratch('lstm.dActC', H); // [H] gradient reaching c' through h' = o ⊙ act(c')
  const dcTotal = scratch('lstm.dcTotal', H); // [H] every gradient reaching c'
  const dPeep = peephole !== null && dPeephole !== null ? zeroedScratch64('lstm.dPeephole', 3 * H) : null; // [3H]

  for (let s = T - 1; s >= 0; s--) {
    const t = timeAt(s, T, reverse);
    const prevT = s === 0 ? -1 : timeAt(s - 1, T, reverse);
    const cPrev = s === 0 ? cInit : ws;
    const cPrevOff = s === 0 ? 0 : cRegion + prevT * BH;
    const gOff = t * BG;
    if (dy !== null) {
      const yOff = t * BH;
      for (let k = 0; k < BH; k++) dh[k] += dy[yOff + k];
    }

    for (let b = 0; b < B; b++) {
      const row = gOff + b * G;
      if (mask !== null && mask[t * B + b] === 0) {
        // Padding: the step did nothing, dh and dc pass through to the previous step unchanged.
        dGates.fill(0, row, row + G);
        continue;
      }
      const hb = b * H;
      const cRow = cPrevOff + b * H;
      const cNew = cRegion + t * BH + b * H;
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

    if (s === 0 && dh0 === null) break; // dh_{-1} would only feed dh0
    propagateHiddenGradient(dh, dhRecurrent, dGates, gOff, wHh, mask, recurrentMask, t, B, H, G);
  }
  if (dh0 !== null) copyRange(dh0, 0, dh, 0, BH);
  if (dc0 !== null) copyRange(dc0, 0, dc, 0, BH);

  accumulateWeightGradients(dx, dWIh, dWHh, dBIh, dBHh, dGates, x, wIh, y, hInit, recurrentMask, T, B, I, H, G, reverse);
  if (dPeep !== null) for (let j = 0; j < 3 * H; j++) dPeephole![j] += dPeep[j];
}
