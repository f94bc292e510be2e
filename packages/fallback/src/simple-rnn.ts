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
import { accumulateWeightGradients, copyRange, fillRowsWithBias, projectInputs } from './sequence';
import { type BackwardCell, type BackwardStep, type ForwardCell, type ForwardStep, gateRecurrentGradient, runBackward, runForward } from './sequence-loop';

/** SimpleRNN over a whole sequence: one input-projection GEMM into `y`, then per step one recurrent GEMM and the activation. */
export function rnnForward(args: RnnForwardArgs): void {
  const { T, B, I, H, hT, x, h0, mask, wIh, bIh, bHh, recurrentMask, reverse } = args;
  const y = args.y ?? scratch('rnn.y', T * B * H); // [T, B, H], in scratch of its own when the caller wants none
  // Input projection of every step at once, straight into y: y [T·B, H] = (b_ih + b_hh) + X · W_ihᵀ.
  fillRowsWithBias(y, 0, T * B, H, bIh, bHh, H);
  projectInputs(y, x, wIh, T, B, I, H, args.batchFirst);
  const states = [{ initial: h0, history: y, base: 0, final: hT }];
  runForward({ T, B, H, reverse, mask, recurrentMask, states, scratchName: 'rnn.maskedH' }, new RnnForwardCell(args, y));
}

/** One SimpleRNN step: y[t] += (m ⊙ h_{t-1}) · W_hhᵀ, then the activation over the whole [B, H] block. */
class RnnForwardCell implements ForwardCell {
  constructor(
    private readonly args: RnnForwardArgs,
    private readonly y: Float32Array, // [T, B, H]
  ) {}

  step(step: ForwardStep): void {
    const { B, H, wHh, activation } = this.args;
    const { y } = this;
    const yOff = step.t * B * H;
    sgemm(false, true, B, H, H, 1, step.hIn, step.hInOff, H, wHh, 0, H, 1, y, yOff, H);
    activateInPlace(activation, y, yOff, B * H);
  }
}

/**
 * Gradients of a SimpleRNN sequence: the time loop computes only dpre_t and dh_{t-1}; the weight,
 * input and bias gradients follow as GEMMs and sums over all steps at once.
 */
export function rnnBackward(args: RnnBackwardArgs): void {
  const { T, B, I, H, dx, dh0, dWIh, dWHh, dBIh, dBHh, dy, dhT, x, h0, mask, wIh, y, recurrentMask, reverse } = args;
  const cell = new RnnBackwardCell(args);
  runBackward({ T, B, H, reverse, mask, recurrentMask, dy, y, h0, states: [{ final: dhT, initial: dh0, scratchName: 'rnn.dh' }] }, cell);
  const hInit = h0 ?? zeroedScratch('rnn.zeros', B * H); // [B, H]
  accumulateWeightGradients(dx, dWIh, dWHh, dBIh, dBHh, cell.dPre, x, wIh, y, hInit, recurrentMask, T, B, I, H, H, reverse);
}

/** One SimpleRNN backward step: dpre = dh ⊙ act'(h'), zero on padded rows. */
class RnnBackwardCell implements BackwardCell {
  readonly carry = null;
  /** [T, B, H] gradients of the pre-activations. */
  readonly dPre: Float32Array;

  constructor(private readonly args: RnnBackwardArgs) {
    this.dPre = scratch('rnn.dPre', args.T * args.B * args.H);
  }

  step(step: BackwardStep): void {
    const { B, H, y, activation } = this.args;
    const { dPre } = this;
    const yOff = step.t * B * H;
    copyRange(dPre, yOff, step.d[0], 0, B * H);
    multiplyByDerivative(activation, y, yOff, dPre, yOff, B * H);
    for (let b = 0; b < B; b++) {
      if (step.padded(b)) dPre.fill(0, yOff + b * H, yOff + b * H + H); // padding: the step did nothing
    }
  }

  recurrentGradient(step: BackwardStep, out: Float32Array): void {
    const { B, H, wHh } = this.args;
    gateRecurrentGradient(out, this.dPre, step.t * B * H, wHh, B, H, H);
  }
}
