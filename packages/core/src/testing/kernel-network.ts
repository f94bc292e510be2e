import {
  type CellKind,
  type Kernels,
  type SequenceDims,
  workspaceSize,
} from '@rnn/backend-api';
import { toBatchFirst } from '../layers/sequence-layout';
import type { KernelCaseOptions } from './fixtures';

/**
 * Runs a stack of recurrent layers (each with one or two directions) through a backend's kernels,
 * one kernel call per layer and direction, the way the layers of @rnn/core compose them:
 * direction 1 is the reverse kernel with the `*_reverse` weights, a layer's directions are
 * concatenated on the feature axis, and the next layer reads that concatenation.
 */

/** The kernels as the suite calls them: a backend's sync kernels or its `async` ones (each call is awaited). */
export type KernelCaller = {
  [K in keyof Kernels]: (args: Parameters<Kernels[K]>[0]) => void | Promise<void>;
};

/** A network of kernel calls with all its inputs, as float32 buffers. */
export interface NetworkSpec {
  cell: CellKind;
  layers: number;
  directions: 1 | 2;
  /** `I` is the input size of layer 0; deeper layers read `D·H` features. */
  dims: SequenceDims;
  options: KernelCaseOptions;
  /** [T, B, I] */
  x: Float32Array;
  /** [L·D, B, H] or null (zeros). */
  h0: Float32Array | null;
  /** [L·D, B, H] or null (zeros); LSTM only. */
  c0: Float32Array | null;
  /** [T, B] or null; applied to every call. */
  mask: Float32Array | null;
  /** [B, H] or null; applied to every call. */
  recurrentMask: Float32Array | null;
  /** PyTorch names, e.g. `weight_ih_l0`, `bias_hh_l1_reverse`, `peephole_l0`. */
  weights: Record<string, Float32Array>;
}

/** What one kernel call saw and produced, kept for its backward call. */
interface DirectionCall {
  suffix: string;
  reverse: boolean;
  dims: SequenceDims;
  /** [T, B, in] the layer's input. */
  x: Float32Array;
  /** [B, H] or null */
  h0: Float32Array | null;
  /** [B, H] or null */
  c0: Float32Array | null;
  /** [T, B, H] */
  y: Float32Array;
  /** [workspaceSize] or null for an inference call. */
  workspace: Float32Array | null;
}

/** The network's outputs plus the per-call records backward needs. */
export interface NetworkForward {
  /** [T, B, D·H] the last layer's output. */
  y: Float32Array;
  /** [L·D, B, H] */
  hT: Float32Array;
  /** [L·D, B, H] (LSTM), else null. */
  cT: Float32Array | null;
  /** calls[layer][direction] */
  calls: DirectionCall[][];
}

/** Gradients w.r.t. the network's inputs (parameter gradients accumulate in the caller's buffers). */
export interface NetworkInputGrads {
  /** [T, B, I] or null when not requested. */
  dx: Float32Array | null;
  /** [L·D, B, H] or null when not requested. */
  dh0: Float32Array | null;
  /** [L·D, B, H] (LSTM) or null. */
  dc0: Float32Array | null;
}

/** Upstream gradients of the loss (`null` = zeros, as the kernels read it). */
export interface NetworkUpstream {
  /** [T, B, D·H] */
  dy: Float32Array | null;
  /** [L·D, B, H] */
  dhT: Float32Array | null;
  /** [L·D, B, H] */
  dcT: Float32Array | null;
}

/** The weight suffix of one kernel call, e.g. `_l1_reverse`. */
export function weightSuffix(layer: number, direction: number): string {
  return `_l${layer}${direction === 1 ? '_reverse' : ''}`;
}

/** `[k, B, H]` block k of a stacked state, or null. */
function stateSlice(stacked: Float32Array | null, k: number, size: number): Float32Array | null {
  return stacked === null ? null : stacked.slice(k * size, (k + 1) * size);
}

/** Concatenates D buffers [T·B, H] into [T·B, D·H]. */
function concatFeatures(parts: Float32Array[], rows: number, H: number): Float32Array {
  if (parts.length === 1) return parts[0];
  const D = parts.length;
  const out = new Float32Array(rows * D * H); // [T·B, D·H]
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < D; d++) out.set(parts[d].subarray(r * H, (r + 1) * H), (r * D + d) * H);
  }
  return out;
}

/** Splits [T·B, D·H] into D buffers [T·B, H]. */
function splitFeatures(whole: Float32Array, rows: number, D: number, H: number): Float32Array[] {
  if (D === 1) return [whole];
  const parts = Array.from({ length: D }, () => new Float32Array(rows * H)); // D × [T·B, H]
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < D; d++) parts[d].set(whole.subarray((r * D + d) * H, (r * D + d + 1) * H), r * H);
  }
  return parts;
}

/**
 * Runs every layer and direction forward; `keepWorkspace: false` makes inference calls (`workspace:
 * null`), `batchFirst` hands each layer its input as `[B, T, in]` (the kernels' `batchFirst`),
 * `finalStatesOnly` passes the last layer's calls `y: null` (only their final states wanted: the
 * result's `y` is then left at zeros).
 */
export async function networkForward(
  kernels: KernelCaller,
  spec: NetworkSpec,
  keepWorkspace = true,
  batchFirst = false,
  finalStatesOnly = false,
): Promise<NetworkForward> {
  const { cell, layers, directions: D, options: o, weights: w } = spec;
  const { T, B, H } = spec.dims;
  const state = B * H;
  const hT = new Float32Array(layers * D * state); // [L·D, B, H]
  const cT = cell === 'lstm' ? new Float32Array(layers * D * state) : null; // [L·D, B, H]
  const calls: DirectionCall[][] = [];
  let input = spec.x; // [T, B, in]
  let inSize = spec.dims.I;
  for (let layer = 0; layer < layers; layer++) {
    const row: DirectionCall[] = [];
    for (let d = 0; d < D; d++) {
      const k = layer * D + d;
      const suffix = weightSuffix(layer, d);
      const dims = { T, B, I: inSize, H };
      const call: DirectionCall = {
        suffix,
        reverse: (d === 1) !== o.reverse,
        dims,
        x: input,
        h0: stateSlice(spec.h0, k, state),
        c0: cell === 'lstm' ? stateSlice(spec.c0, k, state) : null,
        y: new Float32Array(T * B * H), // [T, B, H]
        workspace: keepWorkspace ? new Float32Array(workspaceSize(cell, dims)) : null,
      };
      const h = new Float32Array(state); // [B, H]
      const base = {
        ...dims,
        y: finalStatesOnly && layer === layers - 1 ? null : call.y,
        hT: h,
        workspace: call.workspace,
        x: call.x,
        h0: call.h0,
        mask: spec.mask,
        wIh: w[`weight_ih${suffix}`],
        wHh: w[`weight_hh${suffix}`],
        bIh: o.useBias ? w[`bias_ih${suffix}`] : null,
        bHh: o.useBias ? w[`bias_hh${suffix}`] : null,
        recurrentMask: spec.recurrentMask,
        reverse: call.reverse,
        batchFirst,
      };
      if (batchFirst) base.x = toBatchFirst(call.x, T, B, inSize); // [B, T, in]; call.x stays time-major for backward
      if (cell === 'lstm') {
        const c = new Float32Array(state); // [B, H]
        await kernels.lstmForward({
          ...base,
          cT: c,
          c0: call.c0,
          peephole: o.peephole ? w[`peephole${suffix}`] : null,
          activation: o.activation,
          recurrentActivation: o.recurrentActivation ?? 'sigmoid',
        });
        cT!.set(c, k * state);
      } else if (cell === 'gru') {
        await kernels.gruForward({
          ...base,
          resetAfter: o.resetAfter ?? true,
          activation: o.activation,
          recurrentActivation: o.recurrentActivation ?? 'sigmoid',
        });
      } else {
        await kernels.rnnForward({ ...base, activation: o.activation });
      }
      hT.set(h, k * state);
      row.push(call);
    }
    calls.push(row);
    input = concatFeatures(
      row.map((c) => c.y),
      T * B,
      H,
    );
    inSize = D * H;
  }
  return { y: input, hT, cT, calls };
}

/**
 * Back-propagates through every call, last layer first. Parameter gradients accumulate (`+=`) into
 * `grads` (keyed by weight name, e.g. `weight_ih_l0`). Input-gradient buffers are pre-filled with
 * `prefill` (NaN by default) so a kernel that accumulates into them instead of overwriting shows.
 */
export async function networkBackward(
  kernels: KernelCaller,
  spec: NetworkSpec,
  fwd: NetworkForward,
  upstream: NetworkUpstream,
  grads: Record<string, Float32Array>,
  { inputGrads = true, prefill = Number.NaN }: { inputGrads?: boolean; prefill?: number } = {},
): Promise<NetworkInputGrads> {
  const { cell, layers, directions: D, options: o, weights: w } = spec;
  const { T, B, H } = spec.dims;
  const state = B * H;
  const dh0 = inputGrads ? new Float32Array(layers * D * state) : null; // [L·D, B, H]
  const dc0 = inputGrads && cell === 'lstm' ? new Float32Array(layers * D * state) : null; // [L·D, B, H]
  let dyLayer = upstream.dy; // [T, B, D·H] of the layer being processed
  let dxLayer: Float32Array | null = null;
  for (let layer = layers - 1; layer >= 0; layer--) {
    const row = fwd.calls[layer];
    const dyParts = dyLayer === null ? row.map(() => null) : splitFeatures(dyLayer, T * B, D, H);
    const wantDx = inputGrads || layer > 0;
    const inSize = row[0].dims.I;
    dxLayer = wantDx ? new Float32Array(T * B * inSize) : null; // [T, B, in], the directions' sum
    for (let d = 0; d < D; d++) {
      const call = row[d];
      const k = layer * D + d;
      if (call.workspace === null) throw new Error('networkBackward needs a forward run with a workspace');
      const dx = wantDx ? new Float32Array(T * B * inSize).fill(prefill) : null; // [T, B, in]
      const dh = inputGrads ? new Float32Array(state).fill(prefill) : null; // [B, H]
      const { suffix } = call;
      const base = {
        ...call.dims,
        dx,
        dh0: dh,
        dWIh: grads[`weight_ih${suffix}`],
        dWHh: grads[`weight_hh${suffix}`],
        dBIh: o.useBias ? grads[`bias_ih${suffix}`] : null,
        dBHh: o.useBias ? grads[`bias_hh${suffix}`] : null,
        dy: dyParts[d],
        dhT: stateSlice(upstream.dhT, k, state),
        x: call.x,
        h0: call.h0,
        mask: spec.mask,
        wIh: w[`weight_ih${suffix}`],
        wHh: w[`weight_hh${suffix}`],
        y: call.y,
        workspace: call.workspace,
        recurrentMask: spec.recurrentMask,
        reverse: call.reverse,
      };
      if (cell === 'lstm') {
        const dc = inputGrads ? new Float32Array(state).fill(prefill) : null; // [B, H]
        await kernels.lstmBackward({
          ...base,
          dc0: dc,
          dPeephole: o.peephole ? grads[`peephole${suffix}`] : null,
          dcT: stateSlice(upstream.dcT, k, state),
          c0: call.c0,
          peephole: o.peephole ? w[`peephole${suffix}`] : null,
          activation: o.activation,
          recurrentActivation: o.recurrentActivation ?? 'sigmoid',
        });
        if (dc) dc0!.set(dc, k * state);
      } else if (cell === 'gru') {
        await kernels.gruBackward({
          ...base,
          resetAfter: o.resetAfter ?? true,
          activation: o.activation,
          recurrentActivation: o.recurrentActivation ?? 'sigmoid',
        });
      } else {
        await kernels.rnnBackward({ ...base, activation: o.activation });
      }
      if (dh) dh0!.set(dh, k * state);
      if (dx) for (let i = 0; i < dx.length; i++) dxLayer![i] += dx[i];
    }
    dyLayer = dxLayer;
  }
  return { dx: inputGrads ? dxLayer : null, dh0, dc0 };
}

/** Zeroed gradient buffers, one per weight of `spec`, same lengths. */
export function zeroGrads(spec: NetworkSpec): Record<string, Float32Array> {
  const grads: Record<string, Float32Array> = {};
  for (const [name, value] of Object.entries(spec.weights)) grads[name] = new Float32Array(value.length);
  return grads;
}

/** The scalar loss sum(y·dy) + sum(hT·dhT) + sum(cT·dcT), accumulated in float64. */
export function networkLoss(fwd: NetworkForward, up: NetworkUpstream): number {
  const dot = (a: Float32Array | null, b: Float32Array | null): number => {
    if (a === null || b === null) return 0;
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  };
  return dot(fwd.y, up.dy) + dot(fwd.hT, up.dhT) + dot(fwd.cT, up.dcT);
}
