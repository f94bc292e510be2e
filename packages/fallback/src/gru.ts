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
import { addColumnSums, copyRange, fillRowsWithBias, gatherRecurrentInputs, multiplyInto, timeAt } from './sequence';

/** GRU over a whole sequence: one input-projection GEMM, then per step the recurrent GEMMs and fused gate passes. */
export function gruForward(args: GruForwardArgs): void {
  const { T, B, I, H, y, hT, x, h0, mask, wIh, wHh, bIh, bHh, recurrentMask, reverse, resetAfter } = args;
  const act = args.activation;
  const rec = args.recurrentActivation;
  const G = 3 * H;
  const BH = B * H;
  const BG = B * G;
  const extraRegion = T * BG;
  // Inference keeps the same layout in scratch of its own.
  const ws = args.workspace ?? scratch('gru.inferenceWorkspace', T * BG + T * BH); // gates [T, B, 3H] | extra [T, B, H]
  const hInit = h0 ?? zeroedScratch('gru.zeros', BH); // [B, H]
  if (T === 0) {
    copyRange(hT, 0, hInit, 0, BH);
    return;
  }

  // Input projection of every step at once: gates [T·B, 3H] = b_ih + X · W_ihᵀ, plus the part of
  // b_hh that is added outside r ⊙ (·): r and z always, n too when the reset comes before.
  fillRowsWithBias(ws, 0, T * B, G, bIh, bHh, resetAfter ? 2 * H : G);
  sgemm(false, true, T * B, G, I, 1, x, 0, I, wIh, 0, I, 1, ws, 0, G);

  const maskedH = recurrentMask === null ? null : scratch('gru.maskedH', BH); // [B, H]

  for (let s = 0; s < T; s++) {
    const t = timeAt(s, T, reverse);
    const hPrev = s === 0 ? hInit : y;
    const hPrevOff = s === 0 ? 0 : timeAt(s - 1, T, reverse) * BH;
    const gOff = t * BG;
    const eOff = extraRegion + t * BH;
    // hIn = m ⊙ h_{t-1}, the state as the recurrent GEMMs see it.
    let hIn = hPrev;
    let hInOff = hPrevOff;
    if (maskedH !== null) {
      multiplyInto(maskedH, hPrev, hPrevOff, recurrentMask!, BH);
      hIn = maskedH;
      hInOff = 0;
    }

    // r, z: gates[t][:, 0:2H] += hIn · W_h{r,z}ᵀ
    sgemm(false, true, B, 2 * H, H, 1, hIn, hInOff, H, wHh, 0, H, 1, ws, gOff, G);

    if (resetAfter) {
      // extra[t] = hIn · W_hnᵀ + b_hn
      if (bHh !== null) {
        for (let b = 0; b < B; b++) copyRange(ws, eOff + b * H, bHh, 2 * H, H);
      }
      sgemm(false, true, B, H, H, 1, hIn, hInOff, H, wHh, 2 * H * H, H, bHh !== null ? 1 : 0, ws, eOff, H);
      for (let b = 0; b < B; b++) {
        const row = gOff + b * G;
        const e = eOff + b * H;
        activateInPlace(rec, ws, row, 2 * H);
        for (let j = 0; j < H; j++) ws[row + 2 * H + j] += ws[row + j] * ws[e + j];
        activateInPlace(act, ws, row + 2 * H, H);
      }
    } else {
      for (let b = 0; b < B; b++) {
        const row = gOff + b * G;
        const e = eOff + b * H;
        const hRow = hInOff + b * H;
        activateInPlace(rec, ws, row, 2 * H);
        for (let j = 0; j < H; j++) ws[e + j] = ws[row + j] * hIn[hRow + j];
      }
      // n: gates[t][:, 2H:3H] += extra[t] · W_hnᵀ
      sgemm(false, true, B, H, H, 1, ws, eOff, H, wHh, 2 * H * H, H, 1, ws, gOff + 2 * H, G);
      for (let b = 0; b < B; b++) activateInPlace(act, ws, gOff + b * G + 2 * H, H);
    }

    for (let b = 0; b < B; b++) {
      const row = gOff + b * G;
      const hRow = hPrevOff + b * H;
      const hNew = t * BH + b * H;
      if (mask !== null && mask[t * B + b] === 0) {
        copyRange(y, hNew, hPrev, hRow, H); // padding: carry h over
        continue;
      }
      for (let j = 0; j < H; j++) {
        const n = ws[row + 2 * H + j];
        y[hNew + j] = n + ws[row + H + j] * (hPrev[hRow + j] - n);
      }
    }
  }

  copyRange(hT, 0, y, timeAt(T - 1, T, reverse) * BH, BH);
}

/**
 * Gradients of a GRU sequence: the time loop computes only dGates_t and dh_{t-1}; the weight,
 * input and bias gradients follow as GEMMs and sums over all steps at once.
 */
export function gruBackward(args: GruBackwardArgs): void {
  const { T, B, I, H, dx, dh0, dWIh, dWHh, dBIh, dBHh, dy, dhT } = args;
  const { x, h0, mask, wIh, wHh, y, workspace: ws, recurrentMask, reverse, resetAfter } = args;
  const act = args.activation;
  const rec = args.recurrentActivation;
  const G = 3 * H;
  const BH = B * H;
  const BG = B * G;
  const TB = T * B;
  const extraRegion = T * BG;

  const dh = scratch('gru.dh', BH); // [B, H] gradient of the hidden state leaving the current step
  if (dhT !== null) copyRange(dh, 0, dhT, 0, BH);
  else dh.fill(0, 0, BH);
  if (T === 0) {
    if (dh0 !== null) copyRange(dh0, 0, dh, 0, BH);
    return;
  }

  const hInit = h0 ?? zeroedScratch('gru.zeros', BH); // [B, H]
  const dGates = scratch('gru.dGates', TB * G); // [T, B, 3H] gate pre-activation gradients (input side)
  // [T, B, H] resetAfter: dn̂ ⊙ r, the n-gate gradient as W_hn and b_hn see it.
  const dNRecurrent = resetAfter ? scratch('gru.dNRecurrent', TB * H) : null;
  // [B, H] reset before: gradient of r ⊙ m ⊙ h, the input of the n-gate recurrent GEMM.
  const dResetH = resetAfter ? null : scratch('gru.dResetH', BH);
  const dhCarry = scratch('gru.dhCarry', BH); // [B, H] dh ⊙ z, the part of dh_{t-1} through h' = … + z ⊙ h
  const dhRecurrent = scratch('gru.dhRecurrent', BH); // [B, H] what reaches m ⊙ h through the GEMMs

  for (let s = T - 1; s >= 0; s--) {
    const t = timeAt(s, T, reverse);
    const hPrev = s === 0 ? hInit : y;
    const hPrevOff = s === 0 ? 0 : timeAt(s - 1, T, reverse) * BH;
    const gOff = t * BG;
    const eOff = extraRegion + t * BH;
    if (dy !== null) {
      const yOff = t * BH;
      for (let k = 0; k < BH; k++) dh[k] += dy[yOff + k];
    }

    for (let b = 0; b < B; b++) {
      const row = gOff + b * G;
      const hb = b * H;
      if (mask !== null && mask[t * B + b] === 0) {
        dGates.fill(0, row, row + G);
        if (dNRecurrent !== null) dNRecurrent.fill(0, t * BH + hb, t * BH + hb + H);
        continue;
      }
      const hRow = hPrevOff + hb;
      for (let j = 0; j < H; j++) {
        const z = ws[row + H + j];
        const d = dh[hb + j];
        dGates[row + 2 * H + j] = d * (1 - z);
        dGates[row + H + j] = d * (hPrev[hRow + j] - ws[row + 2 * H + j]);
        dhCarry[hb + j] = d * z;
      }
      multiplyByDerivative(act, ws, row + 2 * H, dGates, row + 2 * H, H);
      multiplyByDerivative(rec, ws, row + H, dGates, row + H, H);
      if (dNRecurrent !== null) {
        const e = eOff + hb;
        const nr = t * BH + hb;
        for (let j = 0; j < H; j++) {
          const dn = dGates[row + 2 * H + j];
          dGates[row + j] = dn * ws[e + j];
          dNRecurrent[nr + j] = dn * ws[row + j];
        }
        multiplyByDerivative(rec, ws, row, dGates, row, H);
      }
    }

    if (dResetH !== null) {
      // d(r ⊙ m ⊙ h) = dn̂ · W_hn, then dr̂ from it.
      sgemm(false, false, B, H, H, 1, dGates, gOff + 2 * H, G, wHh, 2 * H * H, H, 0, dResetH, 0, H);
      for (let b = 0; b < B; b++) {
        if (mask !== null && mask[t * B + b] === 0) continue;
        const row = gOff + b * G;
        const hb = b * H;
        const hRow = hPrevOff + hb;
        if (recurrentMask !== null) {
          for (let j = 0; j < H; j++) dGates[row + j] = dResetH[hb + j] * hPrev[hRow + j] * recurrentMask[hb + j];
        } else {
          for (let j = 0; j < H; j++) dGates[row + j] = dResetH[hb + j] * hPrev[hRow + j];
        }
        multiplyByDerivative(rec, ws, row, dGates, row, H);
      }
    }

    if (s === 0 && dh0 === null) break; // dh_{-1} would only feed dh0
    // What reaches m ⊙ h_{t-1} through the recurrent GEMMs.
    sgemm(false, false, B, H, 2 * H, 1, dGates, gOff, G, wHh, 0, H, 0, dhRecurrent, 0, H);
    if (dNRecurrent !== null) {
      sgemm(false, false, B, H, H, 1, dNRecurrent, t * BH, H, wHh, 2 * H * H, H, 1, dhRecurrent, 0, H);
    } else {
      for (let b = 0; b < B; b++) {
        const row = gOff + b * G;
        const hb = b * H;
        for (let j = 0; j < H; j++) dhRecurrent[hb + j] += dResetH![hb + j] * ws[row + j];
      }
    }
    for (let b = 0; b < B; b++) {
      if (mask !== null && mask[t * B + b] === 0) continue; // padded rows keep their carried dh
      const hb = b * H;
      if (recurrentMask !== null) {
        for (let j = 0; j < H; j++) dh[hb + j] = dhRecurrent[hb + j] * recurrentMask[hb + j] + dhCarry[hb + j];
      } else {
        for (let j = 0; j < H; j++) dh[hb + j] = dhRecurrent[hb + j] + dhCarry[hb + j];
      }
    }
  }
  if (dh0 !== null) copyRange(dh0, 0, dh, 0, BH);

  // All steps at once: dX = dGates · W_ih, dW_ih += dGatesᵀ · X, then the recurrent weights.
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
    sgemm(true, false, H, H, TB, 1, dGates, 2 * H, G, ws, extraRegion, H, 1, dWHh, 2 * H * H, H);
    if (sameBiasGrad && dBIh === null) addColumnSums(dBHh!, 0, dGates, 0, TB, G, G);
  }
}
