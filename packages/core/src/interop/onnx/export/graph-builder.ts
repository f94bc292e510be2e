import { AttributeType, type AttributeProto, type GraphProto, type NodeProto, type TensorProto, type ValueInfoProto } from '../proto/onnx-proto';
import { floatTensor, int64Tensor } from '../proto/tensor-data';

/** An attribute value, tagged with its ONNX type. */
export type Attribute =
  | { int: number }
  | { float: number }
  | { string: string }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { strings: readonly string[] };

/** A graph input or output dimension: a size, or the name of a dynamic axis (`batch`, `steps`). */
export type Dim = number | string;

/**
 * Collects the nodes, initializers, inputs and outputs of one ONNX graph. Every node is named
 * `<scope>/<OpType>` (scope = the layer's name), made unique with a numeric suffix, and its outputs
 * are named after it, so a graph viewer shows which layer each node belongs to.
 */
export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly used = new Set<string>();
  /** Small int64/float constants by value, so each is stored once. */
  private readonly constants = new Map<string, string>();

  /** A name not used yet, `base` itself when free. */
  uniqueName(base: string): string {
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  /** Adds a node; returns its output names (`outputs` of them, or one). */
  node(scope: string, opType: string, inputs: readonly string[], attributes: Record<string, Attribute> = {}, outputs = 1): string[] {
    const name = this.uniqueName(`${scope}/${opType}`);
    const outputNames = Array.from({ length: outputs }, (_, k) => this.uniqueName(outputs === 1 ? `${name}_output` : `${name}_output_${k}`));
    this.nodes.push({
      name,
      op_type: opType,
      input: [...inputs],
      output: outputNames,
      attribute: Object.entries(attributes).map(([key, value]) => encodeAttribute(key, value)),
    });
    return outputNames;
  }

  /** Adds a one-output node and returns that output's name. */
  op(scope: string, opType: string, inputs: readonly string[], attributes: Record<string, Attribute> = {}): string {
    return this.node(scope, opType, inputs, attributes, 1)[0];
  }

  /** Adds a float32 initializer (a weight) named `name` (made unique); returns its name. */
  floatInitializer(name: string, dims: readonly number[], values: Float32Array): string {
    const unique = this.uniqueName(name);
    this.initializers.push(floatTensor(unique, dims, values));
    return unique;
  }

  /** An int64 constant (axes, shapes, indices), stored once per value; `dims` default: a vector, `[]` for a scalar. */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.constant(`int64:${dims.join('x')}:${values.join(',')}`, () => int64Tensor(this.uniqueName(`const_i64_${values.join('_')}`), dims, values));
  }

  /** A float32 scalar constant, stored once per value. */
  floatScalar(value: number): string {
    return this.constant(`float:${value}`, () => floatTensor(this.uniqueName(`const_f32_${value}`), [], Float32Array.of(value)));
  }

  /** Declares a graph input. */
  input(name: string, elemType: number, dims: readonly Dim[]): string {
    this.used.add(name);
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** Declares the tensor `source` as graph output `name` (through an `Identity` node, so the output has the public name). */
  output(name: string, source: string, elemType: number, dims: readonly Dim[]): void {
    this.used.add(name);
    this.nodes.push({ name: this.uniqueName(`${name}/Identity`), op_type: 'Identity', input: [source], output: [name] });
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** The finished graph. */
  build(name: string): GraphProto {
    return { name, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs };
  }

  private constant(key: string, make: () => TensorProto): string {
    const known = this.constants.get(key);
    if (known !== undefined) return known;
    const tensor = make();
    this.initializers.push(tensor);
    this.constants.set(key, tensor.name!);
    return tensor.name!;
  }
}

function valueInfo(name: string, elemType: number, dims: readonly Dim[]): ValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: elemType, shape: { dim } } } };
}

function encodeAttribute(name: string, value: Attribute): AttributeProto {
  if ('int' in value) return { name, type: AttributeType.INT, i: value.int };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ('string' in value) return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value.string) };
  if ('ints' in value) return { name, type: AttributeType.INTS, ints: [...value.ints] };
  if ('floats' in value) return { name, type: AttributeType.FLOATS, floats: [...value.floats] };
  return { name, type: AttributeType.STRINGS, strings: value.strings.map((s) => new TextEncoder().encode(s)) };
}
