import type { DataPasses } from '@rnn/backend-api';
import type { Random } from '../random';
import { Tensor } from '../tensor';
import type { ScratchBuffers } from './scratch-buffers';
import { flipSteps, flipTime, toBatchFirst, toTimeMajor } from './sequence-layout';
import { type LayerValue, TimeMajor } from './time-major';

/**
 * The layout side of a recurrent layer: its input and output gradient into the kernels' time-major
 * order, its output sequence and input gradient out in the form the caller wants, and dropout
 * masks. Each function copies at most once, and not at all where the layouts already agree.
 */

/** How a recurrent layer hands on its output sequence (and so takes its gradient). */
export interface SequenceForm {
  /** As a `TimeMajor` (the next layer reads it so), not a batch-first tensor. */
  timeMajor: boolean;
  /**
   * Reversed in time from the kernel's `y` (which is at the input's time index). A layer's own
   * output is in processing order, so flipped exactly with goBackwards (Keras); `Bidirectional`
   * asks its reverse direction for input order instead, which needs no flip at all.
   */
  flipped: boolean;
}

/** The forward kernel's `x` and its layout (the kernel's `batchFirst`). */
export interface KernelInput {
  data: Float32Array; // [T, B, I], or [B, T, I] when batchFirst
  batchFirst: boolean;
}

/**
 * The forward kernel's input: a time-major input as it is (the kernels only read it), and so a
 * batch-first one when nothing needs it time-major (`timeMajor` false: inference, whose backward
 * never comes; the kernel then reads the caller's rows in place, ~2% of a medium `predict` that
 * the transposed copy cost); else, or when input dropout scales it, into the layer's reused `xT`
 * buffer (lifetime: until this layer's next call of the same kind), time-major. `inputMask [B, I]`
 * scales every step.
 */
export function kernelInput(
  x: LayerValue,
  buffers: ScratchBuffers,
  inputMask: Float32Array | null,
  passes: DataPasses,
  timeMajor: boolean,
): KernelInput {
  const [B, T, I] = x.shape;
  if (inputMask === null && (x instanceof TimeMajor || !timeMajor)) return { data: x.data, batchFirst: !(x instanceof TimeMajor) };
  const xT = buffers.take('xT', T * B * I); // [T, B, I]
  if (x instanceof TimeMajor) {
    for (let k = 0; k < xT.length; k++) xT[k] = x.data[k] * inputMask![k % (B * I)];
    return { data: xT, batchFirst: false };
  }
  toTimeMajor(x.data, B, T, I, xT, false, passes);
  if (inputMask !== null) applyInputMask(xT, inputMask, T);
  return { data: xT, batchFirst: false };
}

/** Whether the kernel's `y` itself is handed on, so it must be a buffer of its own (not reused scratch). */
export function handsOnY(returnSequences: boolean, form: SequenceForm): boolean {
  return returnSequences && form.timeMajor && !form.flipped;
}

/**
 * The output sequence from the kernel's `y [T, B, H]`: time-major or batch-first and flipped or not
 * as `form` says (the step mask follows the flip). A new buffer, except a time-major `y` handed on
 * as it is (`handsOnY`).
 */
export function sequenceOutput(
  y: Float32Array,
  dims: { T: number; B: number; H: number },
  mask: Float32Array | null, // [B, T]
  form: SequenceForm,
): { output: LayerValue; mask: Float32Array | null } {
  const { T, B, H } = dims;
  const flip = form.flipped;
  const outMask = flip && mask ? flipSteps(mask, B, T, 1) : mask;
  if (form.timeMajor) return { output: new TimeMajor(flip ? flipTime(y, T, B, H) : y, B, T, H), mask: outMask };
  return { output: new Tensor(toBatchFirst(y, T, B, H, undefined, flip), [B, T, H]), mask: outMask };
}

/**
 * The kernel's `dy [T, B, H]` from the gradient of the output sequence, in the output's form: as it
 * is where layouts and order agree (read-only), else into the reused `dySeq` buffer (lifetime: the
 * backward call).
 */
export function kernelOutputGradient(dy: LayerValue, buffers: ScratchBuffers, flip: boolean, passes: DataPasses): Float32Array {
  const [B, T, H] = dy.shape;
  if (dy instanceof TimeMajor) return flip ? flipTime(dy.data, T, B, H, buffers.take('dySeq', T * B * H)) : dy.data;
  return toTimeMajor(dy.data, B, T, H, buffers.take('dySeq', T * B * H), flip, passes);
}

/** The input gradient from the kernel's `dx [T, B, I]`, input dropout applied: time-major as it is, or batch-first (a new buffer). */
export function inputGradient(dxT: Float32Array, B: number, T: number, I: number, inputMask: Float32Array | null, timeMajor: boolean): LayerValue {
  if (inputMask) applyInputMask(dxT, inputMask, T);
  return timeMajor ? new TimeMajor(dxT, B, T, I) : new Tensor(toBatchFirst(dxT, T, B, I), [B, T, I]);
}

/** 0 or 1/(1−rate) per element (inverted dropout). */
export function dropoutMask(size: number, rate: number, rng: Random): Float32Array {
  const keep = 1 / (1 - rate);
  const mask = new Float32Array(size);
  for (let i = 0; i < size; i++) mask[i] = rng.next() < rate ? 0 : keep;
  return mask;
}

/** Scales every step of `xT [T, B, I]` by `mask [B, I]`, in place. */
function applyInputMask(xT: Float32Array, mask: Float32Array, T: number): void {
  const stride = mask.length;
  for (let t = 0; t < T; t++) {
    const base = t * stride;
    for (let k = 0; k < stride; k++) xT[base + k] *= mask[k];
  }
}
