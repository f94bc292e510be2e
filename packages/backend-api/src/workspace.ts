import { type CellKind, WORKSPACE_BLOCKS } from './contract/cells';
import type { SequenceDims } from './kernel-args';

/**
 * Length of the forward workspace that backward reads, in floats (the contract's `workspace` shape).
 * Both backends use this layout, so a workspace written by one can be read by the other (the
 * conformance suite relies on it).
 *
 * Layout (time-major, each region contiguous):
 * - all cells: `gates [T, B, G·H]`, the gate activations of every step (LSTM i, f, g, o after their
 *   activations; GRU r, z, n after theirs; SimpleRNN: not stored, `y` already is the activation);
 * - LSTM: then `c [T, B, H]`, the cell state after each step;
 * - GRU: then `extra [T, B, H]`: with `resetAfter`, `W_hn h_{t-1} + b_hn` (needed for dr);
 *   without it, `r ⊙ (m ⊙ h_{t-1})` (the input of the n-gate recurrent GEMM; m = recurrent mask or 1).
 */
export function workspaceSize(cell: CellKind, dims: SequenceDims): number {
  return WORKSPACE_BLOCKS[cell] * dims.T * dims.B * dims.H;
}
