import type { ActivationName, CellKind } from '@rnn/backend-api';
import { FormatError, UnsupportedError } from '../../../errors';
import { Tensor } from '../../../tensor';
import { inversePermutation, ONNX_ACTIVATIONS, ONNX_GATE_BLOCKS, ONNX_PEEPHOLE_BLOCKS, permuteBlocks } from '../gate-order';
import type { NodeProto } from '../proto/onnx-proto';
import type { ConstTensor } from '../proto/tensor-data';
import { attributeNames, describeNode, floatsAttribute, intAttribute, stringAttribute, stringsAttribute } from './graph-index';
import type { RecurrentSpec, Value } from './values';

const KINDS: Readonly<Record<string, CellKind>> = { LSTM: 'lstm', GRU: 'gru', RNN: 'rnn' };
const ATTRIBUTES = new Set(['hidden_size', 'direction', 'activations', 'activation_alpha', 'activation_beta', 'layout', 'linear_before_reset', 'input_forget']);
/** Activations per direction, and ONNX's defaults when the attribute is absent. */
const DEFAULT_ACTIVATIONS: Readonly<Record<CellKind, string[]>> = { lstm: ['Sigmoid', 'Tanh', 'Tanh'], gru: ['Sigmoid', 'Tanh'], rnn: ['Tanh'] };
/** Which ONNX activations take alpha and beta, and their defaults (as ONNX Runtime reads the lists). */
const PARAMETERS: Readonly<Record<string, [number, number] | null>> = {
  tanh: null, sigmoid: null, relu: null, softsign: null, softplus: null,
  affine: [0, 0], hardsigmoid: [0.2, 0.5], scaledtanh: [0, 0], leakyrelu: [0.01, 0], thresholdedrelu: [0, 0], elu: [1, 0],
};

/** Whether an op is one of ONNX's recurrent operators. */
export function isRecurrentOp(op: string): boolean {
  return Object.prototype.hasOwnProperty.call(KINDS, op);
}

/**
 * The layer an LSTM/GRU/RNN node computes, from its attributes and constant weights. Initial states
 * must be absent or zeros and `sequence_lens` absent (a PyTorch model's own graph never has them);
 * an option @rnn has no equivalent for is an `UnsupportedError`, a weight whose shape disagrees with
 * `hidden_size` and the input a `FormatError`.
 */
export function recurrentSpec(node: NodeProto, inputs: (Value | undefined)[], inputSize: number, source: string): RecurrentSpec {
  const where = `${source}: node ${describeNode(node)}`;
  const kind = KINDS[node.op_type ?? ''];
  const unknown = attributeNames(node).filter((a) => !ATTRIBUTES.has(a));
  if (unknown.length > 0) throw new UnsupportedError(`${where} sets ${unknown.join(', ')}, which @rnn's layers have no equivalent for`);
  if (intAttribute(node, 'layout', 0) !== 0) throw new UnsupportedError(`${where} has layout = 1 (batch-major); only layout 0 is supported`);
  if (intAttribute(node, 'input_forget', 0) !== 0) throw new UnsupportedError(`${where} couples the input and forget gates (input_forget = 1), which @rnn's LSTM does not`);
  const H = intAttribute(node, 'hidden_size', 0);
  if (!(H > 0)) throw new FormatError(`${where} needs a positive hidden_size, got ${H}`);
  const direction = stringAttribute(node, 'direction', 'forward');
  if (!['forward', 'reverse', 'bidirectional'].includes(direction)) throw new FormatError(`${where} has an unknown direction '${direction}'`);
  const D = direction === 'bidirectional' ? 2 : 1;
  if (inputs[4] !== undefined) throw new UnsupportedError(`${where} takes sequence_lens; import supports graphs without it (use importOnnx on @rnn's own exports for masked models)`);
  for (const k of kind === 'lstm' ? [5, 6] : [5]) {
    const state = inputs[k];
    if (state !== undefined && state.kind !== 'zeros' && !(state.kind === 'const' && state.tensor.values.every((v) => v === 0))) {
      throw new UnsupportedError(`${where} starts from a non-zero initial ${k === 5 ? 'h' : 'c'}; only zero initial states can be imported`);
    }
  }
  const G = ONNX_GATE_BLOCKS[kind].length;
  const weight = (k: number, name: string, dims: number[], optional: boolean): ConstTensor | null => {
    const v = inputs[k];
    if (v === undefined && optional) return null;
    if (v?.kind !== 'const') throw new UnsupportedError(`${where}: its ${name} is computed at run time; only constant weights can be imported`);
    if (v.tensor.dims.join(',') !== dims.join(',')) {
      throw new FormatError(`${where}: ${name} has shape [${v.tensor.dims.join(', ')}], but hidden_size ${H}, ${D} direction(s) and ${inputSize} input features need [${dims.join(', ')}]`);
    }
    return v.tensor;
  };
  const [recurrentActivation, activation] = activations(node, kind, D, where);
  return {
    type: 'recurrent',
    node: node.name || node.output?.[0] || '?',
    kind,
    units: H,
    directions: D,
    reverse: direction === 'reverse',
    W: weight(1, 'W', [D, G * H, inputSize], false)!,
    R: weight(2, 'R', [D, G * H, H], false)!,
    B: weight(3, 'B', [D, 2 * G * H], true),
    P: kind === 'lstm' ? weight(7, 'P', [D, 3 * H], true) : null,
    activation,
    recurrentActivation,
    resetAfter: kind === 'gru' && intAttribute(node, 'linear_before_reset', 0) === 1,
    returnSequences: true,
  };
}

/** `[recurrentActivation, activation]` from the node's activation lists (the same in both directions). */
function activations(node: NodeProto, kind: CellKind, D: number, where: string): [ActivationName, ActivationName] {
  const names = stringsAttribute(node, 'activations') ?? DEFAULT_ACTIVATIONS[kind];
  const perDirection = DEFAULT_ACTIVATIONS[kind].length;
  if (names.length !== perDirection && names.length !== perDirection * D) {
    throw new FormatError(`${where} lists ${names.length} activations; ${kind.toUpperCase()} needs ${perDirection} per direction`);
  }
  const alphas = floatsAttribute(node, 'activation_alpha') ?? [];
  const betas = floatsAttribute(node, 'activation_beta') ?? [];
  const ours = names.map((name) => {
    const key = name.toLowerCase();
    if (!Object.prototype.hasOwnProperty.call(PARAMETERS, key)) throw new FormatError(`${where}: unknown activation '${name}'`);
    const defaults = PARAMETERS[key];
    const alpha = defaults ? (alphas.shift() ?? defaults[0]) : undefined;
    const beta = defaults ? (betas.shift() ?? defaults[1]) : undefined;
    return ourActivation(key, alpha, beta, where);
  });
  const first = ours.slice(0, perDirection);
  if (ours.some((a, i) => a !== first[i % perDirection])) throw new UnsupportedError(`${where} runs different activations in its two directions`);
  if (kind === 'lstm' && first[1] !== first[2]) {
    throw new UnsupportedError(`${where} uses ${first[1]} for the cell input and ${first[2]} for the output; @rnn's LSTM uses one activation for both`);
  }
  return kind === 'rnn' ? [first[0], first[0]] : [first[0], first[1]];
}

/** Our name of an ONNX activation with these parameters, or an `UnsupportedError`. */
function ourActivation(onnx: string, alpha: number | undefined, beta: number | undefined, where: string): ActivationName {
  const near = (a: number | undefined, b: number | undefined) => a !== undefined && b !== undefined && Math.abs(a - b) < 1e-6;
  for (const [ours, spec] of Object.entries(ONNX_ACTIVATIONS) as [ActivationName, { name: string; alpha?: number; beta?: number }][]) {
    if (spec.name.toLowerCase() !== onnx) continue;
    if (spec.alpha === undefined || (near(alpha, spec.alpha) && near(beta, spec.beta))) return ours;
  }
  const params = alpha === undefined ? '' : ` (alpha ${alpha}, beta ${beta})`;
  throw new UnsupportedError(`${where} uses activation ${onnx}${params}; supported: Tanh, Sigmoid, Relu, Affine(1, 0) = linear, HardSigmoid(1/6, 0.5) = Keras hard_sigmoid`);
}

/**
 * Our (PyTorch's) state dict of ONNX recurrent weights: direction d under `suffixes[d]` (`''` or
 * `'_reverse'`), gate blocks back in our order, `B` split into the input and recurrent biases.
 */
export function recurrentStateDict(
  kind: CellKind,
  H: number,
  weights: { W: ConstTensor; R: ConstTensor; B: ConstTensor | null; P: ConstTensor | null },
  suffixes: readonly string[],
): Record<string, Tensor> {
  const blocks = inversePermutation(ONNX_GATE_BLOCKS[kind]);
  const GH = blocks.length * H;
  const I = weights.W.dims[2];
  const dict: Record<string, Tensor> = {};
  const take = (src: ConstTensor, offset: number, order: readonly number[], block: number, shape: number[]): Tensor => {
    const out = new Float32Array(order.length * block);
    permuteBlocks(src.values, offset, order, block, out, 0);
    return new Tensor(out, shape);
  };
  suffixes.forEach((suffix, d) => {
    dict[`weight_ih_l0${suffix}`] = take(weights.W, d * GH * I, blocks, H * I, [GH, I]);
    dict[`weight_hh_l0${suffix}`] = take(weights.R, d * GH * H, blocks, H * H, [GH, H]);
    if (weights.B) {
      dict[`bias_ih_l0${suffix}`] = take(weights.B, d * 2 * GH, blocks, H, [GH]);
      dict[`bias_hh_l0${suffix}`] = take(weights.B, d * 2 * GH + GH, blocks, H, [GH]);
    }
    if (weights.P) dict[`peephole_l0${suffix}`] = take(weights.P, d * 3 * H, inversePermutation(ONNX_PEEPHOLE_BLOCKS), H, [3 * H]);
  });
  return dict;
}
