import { FormatError, UnsupportedError } from '../../../errors';
import type { DenseActivationName } from '../../../layers/activations';
import { DataType, type NodeProto } from '../proto/onnx-proto';
import type { ConstTensor } from '../proto/tensor-data';
import { transpose } from './const-eval';
import { describeNode, floatAttribute, intAttribute, intsAttribute } from './graph-index';
import { isRecurrentOp, recurrentSpec } from './recurrent-node';
import { data, type DataValue, type DenseSpec, describeLayout, type LayerSpec, type Layout, type Value } from './values';

/** What the data handlers share while the graph is walked. */
export interface WalkState {
  source: string;
  opset: number;
  /** The layers found so far, in order. */
  specs: LayerSpec[];
  /** What the constants computed from here on may still hold (glue-ops.ts, `constantBudget`). */
  constants: { left: number };
}

type DataOp = (node: NodeProto, x: DataValue, inputs: (Value | undefined)[], state: WalkState) => Value[];

/** Our Dense activations that ONNX has as one node (their exported form, see `export/dense.ts`). */
const ACTIVATION_OPS: Readonly<Record<string, (node: NodeProto) => DenseActivationName | null>> = {
  Relu: () => 'relu',
  Tanh: () => 'tanh',
  Sigmoid: () => 'sigmoid',
  Softmax: (node) => (intAttribute(node, 'axis', -1) === -1 ? 'softmax' : null),
  Elu: (node) => ((floatAttribute(node, 'alpha') ?? 1) === 1 ? 'elu' : null),
  Softplus: () => 'softplus',
  Softsign: () => 'softsign',
  HardSigmoid: (node) => (Math.abs((floatAttribute(node, 'alpha') ?? 0.2) - 1 / 6) < 1e-6 && (floatAttribute(node, 'beta') ?? 0.5) === 0.5 ? 'hardSigmoid' : null),
  LeakyRelu: (node) => (Math.abs((floatAttribute(node, 'alpha') ?? 0.01) - 0.2) < 1e-6 ? 'leakyRelu' : null),
};

function fail(state: WalkState, node: NodeProto, what: string): never {
  throw new UnsupportedError(`${state.source}: node ${describeNode(node)} ${what}`);
}

function constInput(state: WalkState, node: NodeProto, v: Value | undefined, what: string): ConstTensor {
  if (v?.kind !== 'const') fail(state, node, `needs a constant ${what}`);
  return v.tensor;
}

/** `x` with the layout glue op applied, keeping which layer it is the output of. */
function relayout(x: DataValue, layout: Layout, width = x.width, directions = x.directions): DataValue {
  return data(layout, width, x.from, directions);
}

/** A Dense layer on the last axis of `x`; `kernel` is `[in, out]`. */
function dense(state: WalkState, node: NodeProto, x: DataValue, kernel: ConstTensor, bias: ConstTensor | null): Value[] {
  if (!['BTF', 'TBF', 'BF'].includes(x.layout)) fail(state, node, `multiplies ${describeLayout(x.layout)}; a Linear layer must act on the last axis of a sequence or a [batch, features] tensor`);
  if (kernel.dims.length !== 2 || kernel.dims[0] !== x.width) {
    throw new FormatError(`${state.source}: node ${describeNode(node)} has a weight of shape [${kernel.dims.join(', ')}] for ${x.width} input features`);
  }
  if (bias && (bias.values.length !== kernel.dims[1] || bias.dims.length > 1)) {
    throw new FormatError(`${state.source}: node ${describeNode(node)} has a bias of shape [${bias.dims.join(', ')}] for ${kernel.dims[1]} outputs`);
  }
  const spec: DenseSpec = { type: 'dense', kernel, bias, activation: 'linear' };
  state.specs.push(spec);
  return [data(x.layout, kernel.dims[1], spec)];
}

/** The output sequence (`Y`) of each recurrent node, so that reading its final state can claim it. */
const sequenceOf = new WeakMap<LayerSpec, DataValue>();

/**
 * `h_n[-1]` of a one-direction recurrent node (its `Y_h`, direction 0): the last output, as long as
 * nothing reads the node's sequence. The layer becomes `returnSequences: false`.
 */
function finalState(state: WalkState, node: NodeProto, x: DataValue, index: ConstTensor): Value[] {
  const spec = x.from;
  const sequence = spec ? sequenceOf.get(spec) : undefined;
  const first = index.dims.length === 0 && (index.values[0] === 0 || index.values[0] === -1);
  if (spec?.type !== 'recurrent' || x.directions !== 1 || !first || intAttribute(node, 'axis', 0) !== 0 || !sequence || sequence.consumed) {
    fail(state, node, 'reads a final state other than the one direction\'s h of a recurrent node whose sequence output is unused');
  }
  sequence.consumed = true;
  spec.returnSequences = false;
  return [data('BF', x.width, null)];
}

/** `y[:, -1]` (or `y[-1]` time-major) of a unidirectional recurrent layer's sequence: its last output. */
function lastStep(state: WalkState, node: NodeProto, x: DataValue, index: ConstTensor): Value[] {
  const axis = intAttribute(node, 'axis', 0);
  const timeAxis = x.layout === 'BTF' ? 1 : x.layout === 'TBF' ? 0 : -1;
  const spec = x.from;
  if (axis !== timeAxis || index.dims.length !== 0 || index.values[0] !== -1 || spec?.type !== 'recurrent' || !spec.returnSequences) {
    fail(state, node, 'selects something other than the last step (index −1 on the time axis) of a recurrent layer\'s output');
  }
  if (spec.directions === 2) {
    fail(state, node, 'takes the last step of a bidirectional output, which holds the backward direction after one step only; Keras-style last outputs concatenate the final states');
  }
  if (spec.reverse) {
    fail(state, node, 'takes the last step of a reverse recurrent node\'s Y, which ONNX aligns to input time: the state after one step, not the final state (read its Y_h for that)');
  }
  spec.returnSequences = false;
  return [data('BF', x.width, null)];
}

const DATA_OPS: Readonly<Record<string, DataOp>> = {
  Identity: (_node, x) => [relayout(x, x.layout)],
  Transpose: (node, x, _inputs, state) => {
    const perm = (intsAttribute(node, 'perm') ?? []).join(',');
    if (perm === '1,0,2' && (x.layout === 'BTF' || x.layout === 'TBF')) return [relayout(x, x.layout === 'BTF' ? 'TBF' : 'BTF')];
    if (perm === '0,2,1,3' && x.layout === 'TDBH') return [relayout(x, 'TBDH')];
    return fail(state, node, `transposes ${describeLayout(x.layout)} with perm [${perm}], which is not a batch/time swap around a recurrent layer`);
  },
  Squeeze: (node, x, inputs, state) => {
    const axes = state.opset >= 13 ? Array.from(inputs[1]?.kind === 'const' ? inputs[1].tensor.values : []) : (intsAttribute(node, 'axes') ?? []);
    if (x.layout === 'TDBH' && x.directions === 1 && axes.join(',') === '1') return [relayout(x, 'TBF')];
    if (x.layout === 'DBH' && axes.join(',') === '0') return finalState(state, node, x, { dims: [], dataType: DataType.INT64, values: Float64Array.of(0) });
    return fail(state, node, `squeezes axes [${axes.join(', ')}] of ${describeLayout(x.layout)}; only the direction axis of a one-direction recurrent output can be squeezed`);
  },
  Reshape: (node, x, inputs, state) => {
    const shape = Array.from(constInput(state, node, inputs[1], 'shape').values);
    const D = x.directions;
    const merged = shape.length === 3 && (shape[2] === -1 || shape[2] === D * x.width) && shape.slice(0, 2).every((d) => d !== -1);
    if (x.layout === 'TBDH' && merged) return [relayout(x, 'TBF', D * x.width, 1)];
    return fail(state, node, `reshapes ${describeLayout(x.layout)} to [${shape.join(', ')}]; only [T, B, D·H] after a bidirectional recurrent node is supported`);
  },
  Gather: (node, x, inputs, state) => {
    if (inputs[0]?.kind === 'const' && x === inputs[1]) {
      if (x.layout !== 'ids' || state.specs.length > 0) fail(state, node, 'looks up a table with something other than the model\'s input ids');
      const table = inputs[0].tensor;
      if (table.dims.length !== 2) throw new FormatError(`${state.source}: node ${describeNode(node)} looks up a table of shape [${table.dims.join(', ')}]`);
      state.specs.push({ type: 'embedding', table });
      return [data('BTF', table.dims[1], state.specs[state.specs.length - 1])];
    }
    const index = constInput(state, node, inputs[1], 'index');
    return x.layout === 'DBH' ? finalState(state, node, x, index) : lastStep(state, node, x, index);
  },
  MatMul: (node, x, inputs, state) => dense(state, node, x, constInput(state, node, inputs[1], 'weight'), null),
  Gemm: (node, x, inputs, state) => {
    const plain = intAttribute(node, 'transA', 0) === 0 && (floatAttribute(node, 'alpha') ?? 1) === 1 && (floatAttribute(node, 'beta') ?? 1) === 1;
    if (!plain || x.layout !== 'BF') fail(state, node, 'is not a plain x·Wᵀ + b on [batch, features]');
    const w = constInput(state, node, inputs[1], 'weight');
    const kernel = intAttribute(node, 'transB', 0) === 1 ? transpose(w, [1, 0]) : w;
    return dense(state, node, x, kernel, inputs[2] ? constInput(state, node, inputs[2], 'bias') : null);
  },
  Add: (node, x, inputs, state) => {
    const spec = x.from;
    const bias = constInput(state, node, inputs[0] === x ? inputs[1] : inputs[0], 'bias');
    if (spec?.type !== 'dense' || spec.bias || spec.activation !== 'linear' || bias.values.length !== x.width || bias.dims.length > 1) {
      fail(state, node, 'adds something other than a bias right after a MatMul');
    }
    spec.bias = bias;
    return [data(x.layout, x.width, spec)];
  },
};

/** Applies a data-consuming node. `x` is its one data input (already marked consumed). */
export function evaluateData(node: NodeProto, x: DataValue, inputs: (Value | undefined)[], state: WalkState): Value[] {
  const op = node.op_type ?? '';
  if (isRecurrentOp(op)) {
    if (x.layout === 'BTF' && inputs[0] === x) {
      fail(state, node, 'reads [batch, steps, features] without the Transpose torch writes for batch_first=True: the model is time-major (batch_first=False), and @rnn models are batch-first');
    }
    if (x.layout !== 'TBF' || inputs[0] !== x) fail(state, node, `reads ${describeLayout(x.layout)}; a recurrent node reads its input sequence as [steps, batch, features]`);
    const spec = recurrentSpec(node, inputs, x.width, state.source);
    state.specs.push(spec);
    const sequence = data('TDBH', spec.units, spec, spec.directions);
    sequenceOf.set(spec, sequence);
    return [sequence, data('DBH', spec.units, spec, spec.directions), data('DBH', spec.units, null, spec.directions)];
  }
  if (Object.prototype.hasOwnProperty.call(ACTIVATION_OPS, op)) {
    const activation = ACTIVATION_OPS[op](node);
    const spec = x.from;
    if (activation === null || spec?.type !== 'dense' || spec.activation !== 'linear') fail(state, node, 'is an activation that does not follow a Linear layer, or has parameters @rnn\'s Dense does not');
    spec.activation = activation;
    return [data(x.layout, x.width, spec)];
  }
  if (!Object.prototype.hasOwnProperty.call(DATA_OPS, op)) {
    fail(state, node, `is not supported on the model's data; supported: LSTM, GRU, RNN, Gather (Embedding, last step, final state), MatMul/Add and Gemm (Linear), ${Object.keys(ACTIVATION_OPS).join(', ')}, and Transpose/Squeeze/Reshape/Shape glue`);
  }
  return DATA_OPS[op](node, x, inputs, state);
}
