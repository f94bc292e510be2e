import type { Dim, GraphBuilder } from './graph-builder';
import type { Compaction } from './masking';

/** A step mask flowing between layers: `steps` is bool `[B, T]` (true = a real step), batch-major. */
export interface MaskFlow {
  steps: string;
  /** Index tensors of the mask's compaction, made once and shared by every layer that reads this mask. */
  compaction?: Compaction;
}

/**
 * The tensor flowing from one layer to the next while a model is exported, like `LayerOutput` in
 * `Layer.forward`. Sequences may stay time-major (`[T, B, F]`) from one recurrent layer to the next,
 * so stacked layers need no transposes between them; every other tensor is batch-major.
 */
export interface Flow {
  name: string;
  rank: number;
  timeMajor: boolean;
  mask: MaskFlow | null;
  /** The same tensor in the other layout, once a consumer asked for it. */
  transposed?: string;
}

/** A graph output other than the model's own: a layer's final state. */
export interface StateOutput {
  name: string;
  source: string;
  dims: Dim[];
}

/** Where each exported layer keeps its weights in the graph, for importing our own files back. */
export interface LayerRecord {
  className: string;
  config: Record<string, unknown>;
  tensors: Record<string, string | number | null>;
}

/** What the per-layer exporters share. */
export interface ExportContext {
  g: GraphBuilder;
  /** Graph outputs after `output`: final states of `returnState` and stateful layers. */
  stateOutputs: StateOutput[];
  records: LayerRecord[];
}

/** The flow as `[T, B, F]` (transposed once, then reused). */
export function timeMajor(ctx: ExportContext, flow: Flow, scope: string): string {
  if (flow.timeMajor || flow.rank !== 3) return flow.name;
  flow.transposed ??= ctx.g.op(scope, 'Transpose', [flow.name], { perm: { ints: [1, 0, 2] } });
  return flow.transposed;
}

/** The flow batch-major (`[B, T, F]` for sequences). */
export function batchMajor(ctx: ExportContext, flow: Flow, scope: string): string {
  if (!flow.timeMajor || flow.rank !== 3) return flow.name;
  flow.transposed ??= ctx.g.op(scope, 'Transpose', [flow.name], { perm: { ints: [1, 0, 2] } });
  return flow.transposed;
}

/** `x` reversed along `axis` (a `Slice` with step −1 over the whole axis). */
export function flip(g: GraphBuilder, scope: string, x: string, axis: number): string {
  // Slicing backwards from the last element to "before the first" needs INT64_MIN as the end.
  return g.op(scope, 'Slice', [x, g.int64([-1]), g.int64([-(2 ** 63)]), g.int64([axis]), g.int64([-1])]);
}

/** Removes axis `axis` of size 1. */
export function squeeze(g: GraphBuilder, scope: string, x: string, axis: number): string {
  return g.op(scope, 'Squeeze', [x, g.int64([axis])]);
}

/** Inserts an axis of size 1 at `axis`. */
export function unsqueeze(g: GraphBuilder, scope: string, x: string, axis: number): string {
  return g.op(scope, 'Unsqueeze', [x, g.int64([axis])]);
}
