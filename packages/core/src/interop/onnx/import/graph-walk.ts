import { UnsupportedError } from '../../../errors';
import type { SampleShape } from '../../../layers/layer';
import type { Sequential } from '../../../model/sequential';
import { DataType, type NodeProto, type ValueInfoProto } from '../proto/onnx-proto';
import { dataTypeName, readTensor } from '../proto/tensor-data';
import { buildSequential } from './build-model';
import { evaluateData, type WalkState } from './data-ops';
import { constantBudget, evaluateGlue } from './glue-ops';
import { describeNode, isDefaultDomain, type OnnxGraph } from './graph-index';
import { data, type DataValue, type Value } from './values';

/**
 * Imports a graph such as `torch.onnx.export` writes for Embedding + (stacked, bidirectional)
 * LSTM/GRU/RNN + Linear: the nodes are walked in order, constants are computed (so constant folding
 * on or off makes no difference), shape glue is followed, and each node that touches the data adds
 * a layer or changes its layout. The data must flow as a chain from the one graph input to the one
 * graph output; anything else is an `UnsupportedError` naming the node.
 */
export function importGraph(g: OnnxGraph): Sequential {
  const env = new Map<string, Value>();
  let initializerValues = 0;
  for (const [name, t] of g.initializers) {
    const tensor = readTensor(t, `${g.source}: initializer '${name}'`);
    initializerValues += tensor.values.length;
    env.set(name, { kind: 'const', tensor });
  }
  if (g.inputs.length !== 1) {
    throw new UnsupportedError(`${g.source}: the graph has ${g.inputs.length} inputs (${g.inputs.map((i) => i.name).join(', ')}); a Sequential takes one`);
  }
  const input = g.inputs[0];
  const { value, shape } = inputValue(input, g.source);
  env.set(input.name!, value);
  const state: WalkState = { source: g.source, opset: g.opset, specs: [], constants: constantBudget(initializerValues) };
  for (const node of g.nodes) {
    if (!isDefaultDomain(node)) throw new UnsupportedError(`${g.source}: node ${describeNode(node)} is in domain '${node.domain}'; only standard ONNX operators are supported`);
    const inputs = (node.input ?? []).map((n) => (n === '' ? undefined : env.get(n)));
    const outputs = evaluate(node, inputs, state, g.source);
    (node.output ?? []).forEach((name, k) => name && env.set(name, outputs[k] ?? { kind: 'runtime' }));
  }
  checkOutput(g, env);
  for (const spec of state.specs) {
    // ONNX aligns a reverse node's Y to input time; goBackwards returns the steps in processing order.
    if (spec.type === 'recurrent' && spec.reverse && spec.returnSequences) {
      throw new UnsupportedError(
        `${g.source}: recurrent node '${spec.node}' runs in reverse and its output sequence Y is read; ONNX aligns Y to input time, while @rnn's goBackwards returns the steps in processing order, so only its final state (Y_h) can be imported`,
      );
    }
  }
  return buildSequential(state.specs, shape, g.source);
}

function evaluate(node: NodeProto, inputs: (Value | undefined)[], state: WalkState, source: string): Value[] {
  const dataInputs = [...new Set(inputs.filter((v): v is DataValue => v?.kind === 'data'))];
  if (node.op_type === 'Shape' || dataInputs.length === 0) return evaluateGlue(node, inputs, state.opset, source, state.constants);
  if (dataInputs.length > 1) {
    // torch writes h_n of a stacked (or bidirectional) RNN as a Concat of its nodes' final states.
    const states = node.op_type === 'Concat' && dataInputs.every((v) => v.layout === 'DBH');
    const why = states
      ? 'concatenates the final states of several recurrent nodes (h_n of a stacked RNN); import reads h_n[-1] of a one-layer, one-direction RNN only: use output[:, -1] for a stacked one'
      : 'combines two data tensors; a Sequential is a chain of layers';
    throw new UnsupportedError(`${source}: node ${describeNode(node)} ${why}`);
  }
  const x = dataInputs[0];
  if (x.consumed) throw new UnsupportedError(`${source}: node ${describeNode(node)} reads data another node already read; a Sequential is a chain of layers, not a graph with branches`);
  x.consumed = true;
  return evaluateData(node, x, inputs, state);
}

/** The data value of the graph input and one sample's shape: `[B, T]` ids, `[B, T, F]` or `[B, F]` floats. */
function inputValue(input: ValueInfoProto, source: string): { value: DataValue; shape: SampleShape } {
  const tensor = input.type?.tensor_type;
  const dims = (tensor?.shape?.dim ?? []).map((d) => (d.dim_value !== undefined && d.dim_value > 0 ? d.dim_value : null));
  const type = tensor?.elem_type;
  const ids = type === DataType.INT64 || type === DataType.INT32;
  const last = dims[dims.length - 1];
  if (ids && dims.length === 2) return { value: data('ids', 0, null), shape: [dims[1]] };
  if (type === DataType.FLOAT && dims.length === 3 && last !== null) return { value: data('BTF', last, null), shape: [dims[1], last] };
  if (type === DataType.FLOAT && dims.length === 2 && last !== null) return { value: data('BF', last, null), shape: [last] };
  throw new UnsupportedError(
    `${source}: graph input '${input.name}' is ${dataTypeName(type)} [${dims.map((d) => d ?? '?').join(', ')}]; supported: int64 ids [batch, steps], float [batch, steps, features] or [batch, features]`,
  );
}

/** One graph output, the model's data, batch-first. */
function checkOutput(g: OnnxGraph, env: Map<string, Value>): void {
  if (g.outputs.length !== 1) {
    throw new UnsupportedError(`${g.source}: the graph has ${g.outputs.length} outputs (${g.outputs.map((o) => o.name).join(', ')}); a Sequential has one`);
  }
  const out = env.get(g.outputs[0].name!);
  if (out?.kind !== 'data' || !['BTF', 'BF'].includes(out.layout)) {
    const what = out?.kind === 'data' && out.layout === 'TBF' ? 'time-major [steps, batch, features] (batch_first=False)' : 'not the model\'s data as [batch, …, features]';
    throw new UnsupportedError(`${g.source}: graph output '${g.outputs[0].name}' is ${what}; @rnn models are batch-first`);
  }
}
