import { FormatError, UnsupportedError } from '../../../errors';
import { DataType, type NodeProto } from '../proto/onnx-proto';
import { type ConstTensor, readTensor } from '../proto/tensor-data';
import { cast, concat, gather, reshape, slice, squeeze, transpose, unsqueeze } from './const-eval';
import { describeNode, floatAttribute, floatsAttribute, intAttribute, intsAttribute, tensorAttribute } from './graph-index';
import type { Value } from './values';

/**
 * The nodes around the layers that carry no data: constants (weights reordered by `Slice`/`Concat`
 * chains, axes, shapes) are computed; shape arithmetic on the data (`Shape` → `Gather` → `Concat` →
 * `ConstantOfShape`/`Expand`, how torch makes zero initial states) is followed as "known at run
 * time", and a tensor of zeros built that way stays recognisable as zeros.
 */

type ConstOp = (node: NodeProto, x: (ConstTensor | undefined)[], opset: number) => ConstTensor;

const values = (t: ConstTensor | undefined): number[] | undefined => (t ? Array.from(t.values) : undefined);

/** Axes from the input (opset ≥ 13) or the attribute (before). */
const axesOf = (node: NodeProto, x: (ConstTensor | undefined)[], opset: number): number[] | undefined =>
  opset >= 13 ? values(x[1]) : intsAttribute(node, 'axes');

const CONST_OPS: Readonly<Record<string, ConstOp>> = {
  Constant: (node) => constantValue(node),
  Identity: (_node, x) => x[0]!,
  Cast: (node, x) => cast(x[0]!, intAttribute(node, 'to', DataType.FLOAT)),
  Unsqueeze: (node, x, opset) => unsqueeze(x[0]!, axesOf(node, x, opset) ?? []),
  Squeeze: (node, x, opset) => squeeze(x[0]!, axesOf(node, x, opset)),
  Concat: (node, x) => concat(x.filter((t): t is ConstTensor => t !== undefined), intAttribute(node, 'axis', 0)),
  Slice: (node, x, opset) =>
    opset >= 10
      ? slice(x[0]!, values(x[1])!, values(x[2])!, values(x[3]), values(x[4]))
      : slice(x[0]!, intsAttribute(node, 'starts')!, intsAttribute(node, 'ends')!, intsAttribute(node, 'axes'), undefined),
  Gather: (node, x) => gather(x[0]!, x[1]!, intAttribute(node, 'axis', 0)),
  Transpose: (node, x) => transpose(x[0]!, intsAttribute(node, 'perm')),
  Reshape: (node, x) => reshape(x[0]!, values(x[1])!, intAttribute(node, 'allowzero', 0) === 1),
  Shape: (_node, x) => ({ dims: [x[0]!.dims.length], dataType: DataType.INT64, values: Float64Array.from(x[0]!.dims) }),
  ConstantOfShape: (node, x) => {
    const fill = constantOfShapeFill(node);
    const dims = values(x[0]) ?? [];
    return { dims, dataType: DataType.FLOAT, values: new Float64Array(dims.reduce((a, b) => a * b, 1)).fill(fill) };
  },
};

/** Ops that pass "known at run time" (or zeros, for the shape-preserving ones) through. */
const RUNTIME_OPS = new Set(['Shape', 'Gather', 'Unsqueeze', 'Squeeze', 'Concat', 'Cast', 'Slice', 'Reshape', 'Add', 'Sub', 'Mul', 'Div', 'Range', 'Equal', 'Where', 'Identity', 'Transpose', 'ConstantOfShape', 'Expand']);
/** Ops whose output is zeros when their first input is (a part, a copy or a broadcast of it). */
const ZERO_PRESERVING = new Set(['Identity', 'Cast', 'Unsqueeze', 'Squeeze', 'Reshape', 'Transpose', 'Slice', 'Gather', 'Expand']);

/**
 * How many values the constants a graph's nodes compute may hold in all: its initializers' (and
 * Constant nodes') count times four (folding a weight's reordering copies it a few times) plus 2^24. A few bytes of
 * `ConstantOfShape`, `Concat` or `Gather` must not make us allocate gigabytes.
 */
export function constantBudget(initializerValues: number): { left: number } {
  return { left: 4 * initializerValues + 2 ** 24 };
}

/** Values the node's result will hold, for the ops whose result may be larger than their inputs. */
function growingCount(op: string, node: NodeProto, x: (ConstTensor | undefined)[]): number | null {
  const count = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
  if (op === 'ConstantOfShape') return count(values(x[0]) ?? []);
  if (op === 'Concat') return x.reduce((n, t) => n + (t?.values.length ?? 0), 0);
  if (op === 'Gather' && x[0] && x[1]) {
    const axis = intAttribute(node, 'axis', 0);
    const n = x[0].dims[axis < 0 ? axis + x[0].dims.length : axis] ?? 1;
    return (x[0].values.length / Math.max(n, 1)) * x[1].values.length;
  }
  return null;
}

/**
 * Evaluates a node none of whose inputs is data; returns one value per output. The constants it
 * computes count against `budget` (`constantBudget`).
 */
export function evaluateGlue(node: NodeProto, inputs: (Value | undefined)[], opset: number, source: string, budget: { left: number }): Value[] {
  const op = node.op_type ?? '';
  const present = inputs.filter((v): v is Value => v !== undefined);
  if (present.every((v) => v.kind === 'const') && Object.prototype.hasOwnProperty.call(CONST_OPS, op)) {
    try {
      const tensors = inputs.map((v) => (v?.kind === 'const' ? v.tensor : undefined));
      const growing = growingCount(op, node, tensors);
      if (growing !== null && !(growing <= budget.left)) {
        throw new FormatError(`${source}: node ${describeNode(node)} would compute a constant of ${growing} values; the constants computed from this graph may hold ${budget.left} more`);
      }
      const tensor = CONST_OPS[op](node, tensors, opset);
      // A Constant node's tensor is held in the file, as an initializer is, and allows as much.
      budget.left += (op === 'Constant' ? 3 : -1) * tensor.values.length;
      if (budget.left < 0) throw new FormatError(`${source}: node ${describeNode(node)} takes the constants computed from the graph past what they may hold in all`);
      return [{ kind: 'const', tensor }];
    } catch (err) {
      if (err instanceof UnsupportedError || err instanceof FormatError) throw err;
      throw new FormatError(`${source}: node ${describeNode(node)} cannot be evaluated on its constant inputs: ${(err as Error).message}`);
    }
  }
  if (!RUNTIME_OPS.has(op)) {
    throw new UnsupportedError(
      `${source}: node ${describeNode(node)} is not supported; around the layers an importable graph may hold only constant and shape glue (${[...RUNTIME_OPS].join(', ')})`,
    );
  }
  return (node.output ?? []).map(() => glueResult(node, op, inputs));
}

/** What a glue op makes of inputs known only at run time. */
function glueResult(node: NodeProto, op: string, inputs: (Value | undefined)[]): Value {
  if (op === 'ConstantOfShape') return constantOfShapeFill(node) === 0 ? { kind: 'zeros' } : { kind: 'runtime' };
  const zeros = (v: Value | undefined) => v?.kind === 'zeros' || (v?.kind === 'const' && v.tensor.values.every((x) => x === 0));
  if (ZERO_PRESERVING.has(op) && zeros(inputs[0])) return { kind: 'zeros' };
  if (op === 'Concat' && inputs.every(zeros)) return { kind: 'zeros' };
  return { kind: 'runtime' };
}

/** The fill value of `ConstantOfShape` (default 0). */
function constantOfShapeFill(node: NodeProto): number {
  const t = tensorAttribute(node, 'value');
  return t ? readTensor(t, `the value of node ${describeNode(node)}`).values[0] ?? 0 : 0;
}

/** The tensor a `Constant` node holds, from whichever value attribute it sets. */
function constantValue(node: NodeProto): ConstTensor {
  const t = tensorAttribute(node, 'value');
  if (t) return readTensor(t, `the value of node ${describeNode(node)}`);
  const f = floatAttribute(node, 'value_float');
  if (f !== undefined) return { dims: [], dataType: DataType.FLOAT, values: Float64Array.of(f) };
  const fs = floatsAttribute(node, 'value_floats');
  if (fs) return { dims: [fs.length], dataType: DataType.FLOAT, values: Float64Array.from(fs) };
  const ints = intsAttribute(node, 'value_ints');
  if (ints) return { dims: [ints.length], dataType: DataType.INT64, values: Float64Array.from(ints) };
  if (node.attribute?.some((a) => a.name === 'value_int')) {
    return { dims: [], dataType: DataType.INT64, values: Float64Array.of(intAttribute(node, 'value_int', 0)) };
  }
  throw new UnsupportedError(`node ${describeNode(node)} holds a kind of constant that is not supported (sparse or string)`);
}
