import type { RecurrentCell } from '../../../cells/recurrent-cell';
import type { RecurrentLayer } from '../../../layers/recurrent-layer';
import { ONNX_RECURRENT_OPS } from '../gate-order';
import { DataType } from '../proto/onnx-proto';
import { type ExportContext, type Flow, flip, squeeze, timeMajor, unsqueeze } from './flow';
import { type Compaction, compact, compactionOf, uncompact } from './masking';
import { type OnnxDirection, recurrentAttributes, recurrentWeights, type RecurrentWeights } from './recurrent-node';

/** The outputs of one ONNX recurrent node. */
export interface RecurrentRun {
  /** [T, D, B, H], time-indexed; on a compacted input, compacted too. */
  Y: string;
  /** [D, B, H] */
  Yh: string;
  /** [D, B, H], LSTM only. */
  Yc: string | null;
  /** The input's compaction when a mask reached the layer. */
  compaction: Compaction | null;
  weights: RecurrentWeights;
}

/**
 * Runs `cells` (one per direction, in ONNX's order) as one LSTM/GRU/RNN node on the flow, time-major,
 * with the weights as initializers. A masked flow is compacted first (see `masking.ts`) and its real
 * step counts become `sequence_lens`. `initial` holds `[1, B, H]` initial states, else zeros.
 */
export function runRecurrentNode(
  ctx: ExportContext,
  scope: string,
  cells: readonly RecurrentCell[],
  direction: OnnxDirection,
  flow: Flow,
  initial: { h: string; c: string | null } | null,
): RecurrentRun {
  const { g } = ctx;
  const kind = cells[0].kind;
  let x = timeMajor(ctx, flow, scope); // [T, B, I]
  const compaction = flow.mask ? compactionOf(g, flow.mask) : null;
  if (compaction) x = compact(g, scope, compaction, x);
  const weights = recurrentWeights(g, scope, cells);
  const inputs = [x, weights.W, weights.R, weights.B ?? '', compaction?.sequenceLens ?? '', initial?.h ?? ''];
  if (kind === 'lstm') inputs.push(initial?.c ?? '', weights.P ?? '');
  while (inputs[inputs.length - 1] === '') inputs.pop();
  const outputs = g.node(scope, ONNX_RECURRENT_OPS[kind], inputs, recurrentAttributes(cells[0], direction), kind === 'lstm' ? 3 : 2);
  return { Y: outputs[0], Yh: outputs[1], Yc: outputs[2] ?? null, compaction, weights };
}

/** The weight initializers of a run, for the layer's record. */
export function weightRecord(run: RecurrentRun): Record<string, string | null> {
  return { W: run.weights.W, R: run.weights.R, B: run.weights.B, P: run.weights.P };
}

/** Declares graph outputs `names[k]` for the final states `states[k]` (`[B, units]` each). */
export function addStateOutputs(ctx: ExportContext, names: readonly string[], states: readonly string[], units: number): void {
  names.forEach((name, k) => ctx.stateOutputs.push({ name, source: states[k], dims: ['batch', units] }));
}

/**
 * A SimpleRNN, LSTM or GRU layer: one node, `direction` reverse for `goBackwards`. With
 * returnSequences the output is the time-major sequence in the layer's processing order (Keras's
 * `go_backwards` output is reversed, and so is the mask flowing on); else the last state `[B, H]`.
 * A stateful layer takes its initial states as graph inputs `<layer>_initial_h` (`_c`) and returns
 * its final states as outputs `<layer>_h` (`_c`), as does a layer with `returnState`.
 */
export function exportRecurrentLayer(ctx: ExportContext, layer: RecurrentLayer, flow: Flow): Flow {
  const { g } = ctx;
  const scope = layer.name;
  const cell = layer.cell;
  const H = cell.units;
  const initial = layer.stateful ? cell.stateNames.map((n) => g.input(`${scope}_initial_${n}`, DataType.FLOAT, ['batch', H])) : null; // [B, H] each
  const nodeInitial = initial ? { h: unsqueeze(g, scope, initial[0], 0), c: initial[1] ? unsqueeze(g, scope, initial[1], 0) : null } : null;
  const run = runRecurrentNode(ctx, scope, [cell], layer.goBackwards ? 'reverse' : 'forward', flow, nodeInitial);
  let states = [squeeze(g, scope, run.Yh, 0), ...(run.Yc ? [squeeze(g, scope, run.Yc, 0)] : [])]; // [B, H] each
  if (run.compaction && initial) {
    // ONNX Runtime returns zeros for a sequence without a real step; Keras keeps the initial state.
    const any = unsqueeze(g, scope, g.op(scope, 'Greater', [run.compaction.count, g.int64([0], [])]), 1); // [B, 1]
    states = states.map((s, k) => g.op(scope, 'Where', [any, s, initial[k]]));
  }
  if (layer.returnState || layer.stateful) addStateOutputs(ctx, cell.stateNames.map((n) => `${scope}_${n}`), states, H);
  ctx.records.push({ className: layer.className, config: layer.getConfig(), tensors: weightRecord(run) });
  if (!layer.returnSequences) return { name: states[0], rank: 2, timeMajor: false, mask: null };
  let y = squeeze(g, scope, run.Y, 1); // [T, B, H]
  if (run.compaction) y = uncompact(g, scope, run.compaction, y, layer.goBackwards, initial?.[0] ?? null);
  if (!layer.goBackwards) return { name: y, rank: 3, timeMajor: true, mask: flow.mask };
  const mask = flow.mask ? { steps: flip(g, scope, flow.mask.steps, 1) } : null;
  return { name: flip(g, scope, y, 0), rank: 3, timeMajor: true, mask };
}
