import { DataType } from '../proto/onnx-proto';
import { type MaskFlow, unsqueeze } from './flow';
import type { GraphBuilder } from './graph-builder';

/**
 * Keras masking in ONNX. At a masked step Keras (and @rnn) carries the state over unchanged and
 * repeats the last output; ONNX's `sequence_lens` instead means "the first `len` steps are real",
 * and ONNX Runtime outputs zeros after them. The two agree only for post-padded masks, so the
 * exported graph moves the real steps of every sequence to the front first (a stable compaction:
 * they keep their order), runs the recurrent node with `sequence_lens` = their count, and then
 * reads each time step's output back from the compacted output: the state after the last real step
 * at or before it (forward), or at or after it (reverse), or the initial state where there is none.
 * That is Keras's carry semantics exactly, for any mask: post-padded, pre-padded or with gaps.
 *
 * Every index tensor here is time-major `[T, B]` int64.
 */
export interface Compaction {
  /** bool [T, B]: true at real steps. */
  real: string;
  /** int64 [T, B]: real steps up to and including t (inclusive cumulative sum). */
  upTo: string;
  /** int64 [T, B]: real steps before t. */
  before: string;
  /** int64 [B]: real steps per sequence. */
  count: string;
  /** int32 [B]: the same, as the recurrent node's `sequence_lens`. */
  sequenceLens: string;
  /** int64 [T, B]: where step t goes in the compacted sequence. */
  position: string;
}

/** The compaction index tensors of `mask`, built once per mask and cached on it. */
export function compactionOf(g: GraphBuilder, mask: MaskFlow): Compaction {
  if (mask.compaction) return mask.compaction;
  const scope = 'mask';
  const real = g.op(scope, 'Transpose', [mask.steps], { perm: { ints: [1, 0] } }); // bool [T, B]
  const ones = g.op(scope, 'Cast', [real], { to: { int: DataType.INT64 } }); // int64 [T, B]
  const upTo = g.op(scope, 'CumSum', [ones, g.int64([0], [])]); // [T, B]
  const before = g.op(scope, 'Sub', [upTo, ones]); // [T, B]
  const count = g.op(scope, 'ReduceSum', [ones, g.int64([0])], { keepdims: { int: 0 } }); // [B]
  const sequenceLens = g.op(scope, 'Cast', [count], { to: { int: DataType.INT32 } }); // [B]
  // Padded step t goes after every real step: count + (padded steps before t).
  const steps = g.op(scope, 'Gather', [g.op(scope, 'Shape', [real]), g.int64([0], [])]); // [] T
  const time = unsqueeze(g, scope, g.op(scope, 'Range', [g.int64([0], []), steps, g.int64([1], [])]), 1); // [T, 1]
  const paddedBefore = g.op(scope, 'Sub', [time, before]); // [T, B]
  const paddedPosition = g.op(scope, 'Add', [unsqueeze(g, scope, count, 0), paddedBefore]); // [T, B]
  const position = g.op(scope, 'Where', [real, before, paddedPosition]); // [T, B]
  mask.compaction = { real, upTo, before, count, sequenceLens, position };
  return mask.compaction;
}

/** `x [T, B, F]` with each sequence's real steps moved to the front, in order. */
export function compact(g: GraphBuilder, scope: string, c: Compaction, x: string): string {
  const index = g.op(scope, 'Expand', [unsqueeze(g, scope, c.position, 2), g.op(scope, 'Shape', [x])]); // [T, B, F]
  return g.op(scope, 'ScatterElements', [x, index, x], { axis: { int: 0 } });
}

/**
 * The output at every input time step from the compacted output `y [T, B, H]` (zeros after each
 * sequence's count): forward, the state after the last real step at or before t; reverse, the state
 * after the real steps at or after t. Where no such step exists, `initial` (`[B, H]`) or zeros.
 */
export function uncompact(g: GraphBuilder, scope: string, c: Compaction, y: string, reverse: boolean, initial: string | null): string {
  const zero = g.int64([0], []);
  const hasState = reverse
    ? g.op(scope, 'Less', [c.before, unsqueeze(g, scope, c.count, 0)]) // a real step at or after t
    : g.op(scope, 'Greater', [c.upTo, zero]); // a real step at or before t
  const at = reverse ? c.before : g.op(scope, 'Sub', [c.upTo, g.int64([1], [])]);
  const index = g.op(scope, 'Where', [hasState, at, zero]); // [T, B], in range everywhere
  const gathered = gatherSteps(g, scope, y, index);
  return g.op(scope, 'Where', [unsqueeze(g, scope, hasState, 2), gathered, initial ?? g.floatScalar(0)]);
}

/** `y [T, B, H]` with padded steps set to zero. */
export function zeroPadded(g: GraphBuilder, scope: string, c: Compaction, y: string): string {
  return g.op(scope, 'Where', [unsqueeze(g, scope, c.real, 2), y, g.floatScalar(0)]);
}

/** `out[t, b] = y[index[t, b], b]` for `y [T, B, H]`, `index [T, B]`. */
function gatherSteps(g: GraphBuilder, scope: string, y: string, index: string): string {
  const full = g.op(scope, 'Expand', [unsqueeze(g, scope, index, 2), g.op(scope, 'Shape', [y])]); // [T, B, H]
  return g.op(scope, 'GatherElements', [y, full], { axis: { int: 0 } });
}
