/**
 * SimpleRNN (Elman) forward and backward (act = activation, m = recurrent mask or 1):
 * ```
 * h' = act(W_ih x + b_ih + W_hh (m ⊙ h) + b_hh)
 * dpre = dh ⊙ act'(h')          dh_prev = m ⊙ (dpre · W_hh)
 * ```
 * At a padded step (mask 0) h is carried over, and so is its gradient.
 * No workspace: `y` already holds every activation, and the derivatives are taken from it.
 */
import type { RnnBackwardArgs, RnnForwardArgs } from '@rnn/backend-api';
import { activateInPlace, multiplyByDerivative } from './activations';
import { sgemm } from './gemm';
import { scratch, zeroedScratch } from './scratch';
import {
  accumulateWeightGradients,
  copyRange,
  fillRowsWithBias,
  multiplyInto,
  propagateHiddenGradient,
  timeAt,
} from './sequence';

/** SimpleRNN over a whole sequence: one input-projection GEMM into `y`, then per step one recurrent GEMM and the activation. */
export function rnnForward(args: RnnForwardArgs): void {
  const { T, B, I, H, y, hT, x, h0, mask, wIh, wHh, bIh, bHh, recurrentMask, reverse, activation } = args;
  const BH = B * H;
  const hInit = h0 ?? zeroedScratch('rnn.zeros', BH); // [B, H]
  if (T === 0) {
    copyRange(hT, 0, hInit, 0, BH);
    return;
  }

  // Input projection of every step at once, straight into y: y [T·B, H] = (b_ih + b_hh) + X · W_ihᵀ.
  fillRowsWithBias(y, 0, T * B, H, bIh, bHh, H);
  sgemm(false, true, T * B, H, I, 1, x, 0, I, wIh, 0, I, 1, y, 0, H);

  const maskedH = recurrentMask === null ? null : scratch('rnn.maskedH', BH); // [B, H]
  for (let s = 0; s < T; s++) {
    const t = timeAt(s, T, reverse);
    const hPrev = s === 0 ? hInit : y;
    const hPrevOff = s === 0 ? 0 : timeAt(s - 1, T, reverse) * BH;
    const yOff = t * BH;
    // y[t] += (m ⊙ h_{t-1}) · W_hhᵀ, then the activation over the whole [B, H] block.
    if (maskedH !== null) {
      multiplyInto(maskedH, hPrev, hPrevOff, recurrentMask!, BH);
      sgemm(false, true, B, H, H, 1, maskedH, 0, H, wHh, 0, H, 1, y, yOff, H);
    } else {
      sgemm(false, true, B, H, H, 1, hPrev, hPrevOff, H, wHh, 0, H, 1, y, yOff, H);
    }
    activateInPlace(activation, y, yOff, BH);
    if (mask !== null) {
      for (let b = 0; b < B; b++) {
        if (mask[t * B + b] === 0) copyRange(y, yOff + b * H, hPrev, hPrevOff + b * H, H); // padding: carry h over
      }
    }
  }

  copyRange(hT, 0, y, timeAt(T - 1, T, reverse) * BH, BH);
}

/**
 * Gradients of a SimpleRNN sequence: the time loop computes only dpre_t and dh_{t-1}; the weight,
 * input and bias gradients follow as GEMMs and sums over all steps at once.
 */
export function rnnBackward(args: RnnBackwardArgs): void {
  const { T, B, I, H, dx, dh0, dWIh, dWHh, dBIh, dBHh, dy, dhT } = args;
  const { x, h0, mask, wIh, wHh, y, recurrentMask, reverse, activation } = args;
  const BH = B * H;
  const TB = T * B;

  const dh = scratch('rnn.dh', BH); // [B, H] gradient of the hidden state leaving the current step
  if (dhT !== null) copyRange(dh, 0, dhT, 0, BH);
  else dh.fill(0, 0, BH);
  if (T === 0) {
    if (dh0 !== null) copyRange(dh0, 0, dh, 0, BH);
    return;
  }

  const hInit = h0 ?? zeroedScratch('rnn.zeros', BH); // [B, H]
  const dPre = scratch('rnn.dPre', TB * H); // [T, B, H] gradients of the pre-activations
  const dhRecurrent = scratch('rnn.dhRecurrent', BH); // [B, H] dpre_t · W_hh

  for (let s = T - 1; s >= 0; s--) {
    const t = timeAt(s, T, reverse);
    const yOff = t * BH;
    if (dy !== null) {
      for (let k = 0; k < BH; k++) dh[k] += dy[yOff + k];
    }
    copyRange(dPre, yOff, dh, 0, BH);
    multiplyByDerivative(activation, y, yOff, dPre, yOff, BH);
    if (mask !== null) {
      for (let b = 0; b < B; b++) {
        if (mask[t * B + b] === 0) dPre.fill(0, yOff + b * H, yOff + b * H + H); // padding: the step did nothing
      }
    }

    if (s === 0 && dh0 === null) break; // dh_{-1} would only feed dh0
    propagateHiddenGradient(dh, dhRecurrent, dPre, yOff, wHh, mask, recurrentMask, t, B, H, H);
  }
  if (dh0 !== null) copyRange(dh0, 0, dh, 0, BH);

  accumulateWeightGradients(dx, dWIh, dWHh, dBIh, dBHh, dPre, x, wIh, y, hInit, recurrentMask, T, B, I, H, H, reverse);
}
