import type { Bidirectional, MergeMode } from '../../../layers/bidirectional';
import { type ExportContext, type Flow, flip } from './flow';
import type { GraphBuilder } from './graph-builder';
import { uncompact, zeroPadded } from './masking';
import { addStateOutputs, runRecurrentNode, weightRecord } from './recurrent-layer';

/**
 * A `Bidirectional` layer: one node with `direction = bidirectional`. ONNX's direction 0 runs
 * forwards, so it holds whichever of our two copies does (the backward copy when the wrapped layer
 * has `goBackwards`). The merge follows `Bidirectional.run`: the forward copy's output first, the
 * backward copy's realigned to input time order, padded steps zero when a mask reached the layer.
 * With `returnState` the final states are outputs `<layer>_forward_h`, …, `<layer>_backward_c`.
 */
export function exportBidirectional(ctx: ExportContext, layer: Bidirectional, flow: Flow): Flow {
  const { g } = ctx;
  const scope = layer.name;
  const forwardReversed = layer.forwardLayer.goBackwards;
  const cells = forwardReversed ? [layer.backwardLayer.cell, layer.forwardLayer.cell] : [layer.forwardLayer.cell, layer.backwardLayer.cell];
  const forwardIndex = forwardReversed ? 1 : 0; // the ONNX direction of our forward copy
  const run = runRecurrentNode(ctx, scope, cells, 'bidirectional', flow, null);
  const H = cells[0].units;
  const direction = (out: string, d: number): string => g.op(scope, 'Gather', [out, g.int64([d], [])], { axis: { int: 0 } }); // [B, H]
  const statesOf = (d: number): string[] => [direction(run.Yh, d), ...(run.Yc ? [direction(run.Yc, d)] : [])];
  const forwardStates = statesOf(forwardIndex);
  const backwardStates = statesOf(1 - forwardIndex);
  if (layer.forwardLayer.returnState) {
    const names = cells[0].stateNames;
    const outputNames = [...names.map((n) => `${scope}_forward_${n}`), ...names.map((n) => `${scope}_backward_${n}`)];
    addStateOutputs(ctx, outputNames, [...forwardStates, ...backwardStates], H);
  }
  ctx.records.push({ className: layer.className, config: layer.getConfig(), tensors: { ...weightRecord(run), forwardDirection: forwardIndex } });
  if (!layer.returnSequences) return { name: merge(g, scope, layer.mergeMode, forwardStates[0], backwardStates[0]), rank: 2, timeMajor: false, mask: null };

  // Each direction's time-indexed output [T, B, H]; on a masked input, read back from the compaction.
  const sequence = (d: number): string => {
    const y = g.op(scope, 'Gather', [run.Y, g.int64([d], [])], { axis: { int: 1 } });
    return run.compaction ? uncompact(g, scope, run.compaction, y, d === 1, null) : y;
  };
  let merged = merge(g, scope, layer.mergeMode, sequence(forwardIndex), sequence(1 - forwardIndex)); // [T, B, H or 2H]
  if (forwardReversed) merged = flip(g, scope, merged, 0);
  if (run.compaction) merged = zeroPadded(g, scope, run.compaction, merged);
  return { name: merged, rank: 3, timeMajor: true, mask: flow.mask };
}

/** `Bidirectional`'s merge of the forward output `a` and the backward output `b` (same shape). */
function merge(g: GraphBuilder, scope: string, mode: MergeMode, a: string, b: string): string {
  switch (mode) {
    case 'concat':
      return g.op(scope, 'Concat', [a, b], { axis: { int: -1 } });
    case 'sum':
      return g.op(scope, 'Add', [a, b]);
    case 'ave':
      return g.op(scope, 'Div', [g.op(scope, 'Add', [a, b]), g.floatScalar(2)]);
    case 'mul':
      return g.op(scope, 'Mul', [a, b]);
  }
}
