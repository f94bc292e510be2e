import type { RecurrentCell } from '../../../cells/recurrent-cell';
import { LSTMCell } from '../../../cells/lstm-cell';
import { GRUCell } from '../../../cells/gru-cell';
import { ONNX_ACTIVATIONS, ONNX_GATE_BLOCKS, ONNX_PEEPHOLE_BLOCKS, permuteBlocks } from '../gate-order';
import type { Attribute, GraphBuilder } from './graph-builder';

/** The weight inputs of one ONNX LSTM/GRU/RNN node (initializer names; `null` = absent). */
export interface RecurrentWeights {
  W: string;
  R: string;
  B: string | null;
  P: string | null;
}

/** `forward`, `reverse` or `bidirectional`, the ONNX `direction` attribute. */
export type OnnxDirection = 'forward' | 'reverse' | 'bidirectional';

/**
 * The ONNX weights of a node running `cells` (one per direction, ONNX's direction order): `W [D, G·H, I]`,
 * `R [D, G·H, H]`, `B [D, 2·G·H]` (input bias then recurrent bias) and, for peephole LSTMs,
 * `P [D, 3H]`, with the gate blocks in ONNX's order.
 */
export function recurrentWeights(g: GraphBuilder, scope: string, cells: readonly RecurrentCell[]): RecurrentWeights {
  const first = cells[0];
  const D = cells.length;
  const H = first.units;
  const I = first.inputSize!;
  const blocks = ONNX_GATE_BLOCKS[first.kind];
  const GH = blocks.length * H;
  const W = new Float32Array(D * GH * I); // [D, G·H, I]
  const R = new Float32Array(D * GH * H); // [D, G·H, H]
  const hasBias = first.biasIh !== null;
  const B = hasBias ? new Float32Array(D * 2 * GH) : null; // [D, 2·G·H]
  const peepholes = cells.map((c) => (c instanceof LSTMCell ? c.peepholeWeight : null));
  const P = peepholes[0] ? new Float32Array(D * 3 * H) : null; // [D, 3H]
  cells.forEach((cell, d) => {
    permuteBlocks(cell.weightIh!.value, 0, blocks, H * I, W, d * GH * I);
    permuteBlocks(cell.weightHh!.value, 0, blocks, H * H, R, d * GH * H);
    if (B) {
      permuteBlocks(cell.biasIh!.value, 0, blocks, H, B, d * 2 * GH);
      permuteBlocks(cell.biasHh!.value, 0, blocks, H, B, d * 2 * GH + GH);
    }
    if (P) permuteBlocks(peepholes[d]!.value, 0, ONNX_PEEPHOLE_BLOCKS, H, P, d * 3 * H);
  });
  return {
    W: g.floatInitializer(`${scope}/W`, [D, GH, I], W),
    R: g.floatInitializer(`${scope}/R`, [D, GH, H], R),
    B: B ? g.floatInitializer(`${scope}/B`, [D, 2 * GH], B) : null,
    P: P ? g.floatInitializer(`${scope}/P`, [D, 3 * H], P) : null,
  };
}

/**
 * The attributes of the node running `cell` (every direction runs the same options): `hidden_size`,
 * `direction`, the activations spelled out per direction with their alpha/beta (consumed only by the
 * activations that take them, as ONNX Runtime reads them), and GRU's `linear_before_reset`
 * (1 = reset after the recurrent matmul, PyTorch's GRU). `layout` stays 0 (time-major): ONNX Runtime
 * rejects 1.
 */
export function recurrentAttributes(cell: RecurrentCell, direction: OnnxDirection): Record<string, Attribute> {
  const { activation, recurrentActivation } = cell.options;
  const perDirection =
    cell.kind === 'lstm' ? [recurrentActivation, activation, activation] : cell.kind === 'gru' ? [recurrentActivation, activation] : [activation];
  const onnx = (direction === 'bidirectional' ? [...perDirection, ...perDirection] : perDirection).map((a) => ONNX_ACTIVATIONS[a]);
  const attributes: Record<string, Attribute> = {
    hidden_size: { int: cell.units },
    direction: { string: direction },
    activations: { strings: onnx.map((a) => a.name) },
  };
  const alphas = onnx.filter((a) => a.alpha !== undefined).map((a) => a.alpha!);
  if (alphas.length > 0) {
    attributes.activation_alpha = { floats: alphas };
    attributes.activation_beta = { floats: onnx.filter((a) => a.beta !== undefined).map((a) => a.beta!) };
  }
  if (cell instanceof GRUCell) attributes.linear_before_reset = { int: cell.resetAfter ? 1 : 0 };
  return attributes;
}
