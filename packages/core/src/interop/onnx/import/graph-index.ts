import { FormatError, UnsupportedError } from '../../../errors';
import { type AttributeProto, type GraphProto, type ModelProto, type NodeProto, type TensorProto, utf8, type ValueInfoProto } from '../proto/onnx-proto';

/** A decoded model that passed the structural checks, with what the importers look up. */
export interface OnnxGraph {
  /** The file path, or `bytes`, for messages. */
  source: string;
  graph: GraphProto;
  nodes: NodeProto[];
  /** Opset of the default (`ai.onnx`) domain. */
  opset: number;
  initializers: Map<string, TensorProto>;
  /** Graph inputs that are not initializers: what a caller feeds. */
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
  metadata: Map<string, string>;
}

const DEFAULT_DOMAINS = new Set(['', 'ai.onnx']);

/**
 * Checks that a decoded protobuf message is an ONNX model at all (a graph with nodes and outputs, an
 * opset of the default domain, every node's inputs produced before it reads them) and indexes it.
 * Random or truncated bytes often decode into *some* message; they fail here, as a `FormatError`.
 */
export function indexModel(model: ModelProto, source: string): OnnxGraph {
  const graph = model.graph;
  const opset = (model.opset_import ?? []).find((o) => DEFAULT_DOMAINS.has(o.domain ?? ''))?.version;
  if (!graph || !(model.ir_version! > 0) || opset === undefined || (graph.node?.length ?? 0) === 0 || (graph.output?.length ?? 0) === 0) {
    throw new FormatError(`${source} is not an ONNX model: it needs an IR version, an ai.onnx opset and a graph with nodes and outputs`);
  }
  if ((graph.sparse_initializer?.length ?? 0) > 0) throw new UnsupportedError(`${source}: sparse initializers are not supported`);
  const initializers = new Map<string, TensorProto>();
  for (const t of graph.initializer ?? []) {
    if (!t.name) throw new FormatError(`${source}: an initializer has no name`);
    initializers.set(t.name, t);
  }
  const nodes = graph.node ?? [];
  checkTopologicalOrder(nodes, graph, initializers, source);
  const metadata = new Map((model.metadata_props ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  const inputs = (graph.input ?? []).filter((i) => !initializers.has(i.name ?? ''));
  return { source, graph, nodes, opset, initializers, inputs, outputs: graph.output ?? [], metadata };
}

/** Every node reads only graph inputs, initializers and outputs of nodes before it (ONNX requires it). */
function checkTopologicalOrder(nodes: readonly NodeProto[], graph: GraphProto, initializers: Map<string, TensorProto>, source: string): void {
  const known = new Set<string>([...initializers.keys(), ...(graph.input ?? []).map((i) => i.name ?? '')]);
  for (const node of nodes) {
    for (const input of node.input ?? []) {
      if (input !== '' && !known.has(input)) {
        throw new FormatError(`${source}: node ${describeNode(node)} reads '${input}', which no graph input, initializer or earlier node provides`);
      }
    }
    for (const output of node.output ?? []) known.add(output);
  }
  for (const output of graph.output ?? []) {
    if (!known.has(output.name ?? '')) throw new FormatError(`${source}: graph output '${output.name}' is not produced by any node`);
  }
}

/** `'name' (OpType)`, for messages. */
export function describeNode(node: NodeProto): string {
  return `'${node.name || node.output?.[0] || '?'}' (${node.op_type})`;
}

/** Whether a node belongs to the default ONNX domain (custom-domain ops are never supported). */
export function isDefaultDomain(node: NodeProto): boolean {
  return DEFAULT_DOMAINS.has(node.domain ?? '');
}

function attribute(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

/** An INT attribute, or `fallback` when absent. */
export function intAttribute(node: NodeProto, name: string, fallback: number): number {
  const a = attribute(node, name);
  return a === undefined ? fallback : (a.i ?? 0);
}

/** A FLOAT attribute, or `undefined`. */
export function floatAttribute(node: NodeProto, name: string): number | undefined {
  return attribute(node, name)?.f;
}

/** A STRING attribute, or `fallback`. */
export function stringAttribute(node: NodeProto, name: string, fallback: string): string {
  const a = attribute(node, name);
  return a === undefined ? fallback : utf8(a.s);
}

/** An INTS attribute, or `undefined`. */
export function intsAttribute(node: NodeProto, name: string): number[] | undefined {
  const a = attribute(node, name);
  return a === undefined ? undefined : (a.ints ?? []);
}

/** A FLOATS attribute, or `undefined`. */
export function floatsAttribute(node: NodeProto, name: string): number[] | undefined {
  const a = attribute(node, name);
  return a === undefined ? undefined : (a.floats ?? []);
}

/** A STRINGS attribute, or `undefined`. */
export function stringsAttribute(node: NodeProto, name: string): string[] | undefined {
  const a = attribute(node, name);
  return a === undefined ? undefined : (a.strings ?? []).map(utf8);
}

/** A TENSOR attribute (Constant's `value`), or `undefined`. */
export function tensorAttribute(node: NodeProto, name: string): TensorProto | undefined {
  return attribute(node, name)?.t;
}

/** Names of the attributes a node sets, for refusing options we do not implement. */
export function attributeNames(node: NodeProto): string[] {
  return (node.attribute ?? []).map((a) => a.name ?? '');
}
