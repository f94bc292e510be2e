import type { DenseActivationName } from '../../../layers/activations';
import type { Dense } from '../../../layers/dense';
import type { Embedding } from '../../../layers/embedding';
import { transpose2d } from '../../../layers/sequence-layout';
import { UnsupportedError } from '../../../errors';
import type { ExportContext, Flow } from './flow';
import type { GraphBuilder } from './graph-builder';

type Emit = (g: GraphBuilder, scope: string, x: string) => string;

const unary =
  (op: string, attributes = {}): Emit =>
  (g, scope, x) =>
    g.op(scope, op, [x], attributes);

const swish: Emit = (g, scope, x) => g.op(scope, 'Mul', [x, g.op(scope, 'Sigmoid', [x])]);

/** Dense's activations as ONNX nodes, with Keras 3's constants (see `layers/activations.ts`). */
const DENSE_ACTIVATIONS: Readonly<Record<DenseActivationName, Emit>> = {
  linear: (_g, _scope, x) => x,
  relu: unary('Relu'),
  tanh: unary('Tanh'),
  sigmoid: unary('Sigmoid'),
  softmax: unary('Softmax', { axis: { int: -1 } }),
  hardSigmoid: unary('HardSigmoid', { alpha: { float: 1 / 6 }, beta: { float: 0.5 } }),
  elu: unary('Elu', { alpha: { float: 1 } }),
  selu: unary('Selu', { alpha: { float: 1.6732632423543772 }, gamma: { float: 1.0507009873554805 } }),
  // The exact (erf) form: x · ½ · (1 + erf(x / √2)); opsets below 20 have no Gelu node.
  gelu: (g, scope, x) => {
    const erf = g.op(scope, 'Erf', [g.op(scope, 'Mul', [x, g.floatScalar(Math.SQRT1_2)])]);
    return g.op(scope, 'Mul', [x, g.op(scope, 'Mul', [g.op(scope, 'Add', [erf, g.floatScalar(1)]), g.floatScalar(0.5)])]);
  },
  softplus: unary('Softplus'),
  softsign: unary('Softsign'),
  swish,
  silu: swish,
  leakyRelu: unary('LeakyRelu', { alpha: { float: 0.2 } }),
};

/**
 * `Dense`: `MatMul` with the transposed weight (`[in, out]`, as torch's exporter stores a Linear),
 * `Add` of the bias, then the activation. It works on the last axis, so a sequence keeps its layout
 * and its mask.
 */
export function exportDense(ctx: ExportContext, layer: Dense, flow: Flow): Flow {
  const { g } = ctx;
  const scope = layer.name;
  const { weight, bias } = layer.stateDict(); // weight [out, in], bias [out]
  const [out, features] = weight.shape;
  const kernel = g.floatInitializer(`${scope}/kernel`, [features, out], transpose2d(weight.data, out, features)); // [in, out]
  let y = g.op(scope, 'MatMul', [flow.name, kernel]);
  const biasName = bias ? g.floatInitializer(`${scope}/bias`, [out], bias.data) : null; // [out]
  if (biasName) y = g.op(scope, 'Add', [y, biasName]);
  y = DENSE_ACTIVATIONS[layer.activation.name](g, scope, y);
  ctx.records.push({ className: layer.className, config: layer.getConfig(), tensors: { kernel, bias: biasName } });
  return { name: y, rank: flow.rank, timeMajor: flow.timeMajor, mask: flow.mask };
}

/**
 * `Embedding`: a `Gather` from the table with the int64 ids of the graph input; with `maskZero` the
 * mask `id != 0` flows on. Only as the first layer: anywhere else its ids would be computed floats,
 * which a `Gather` cannot take as they are.
 */
export function exportEmbedding(ctx: ExportContext, layer: Embedding, flow: Flow, first: boolean): Flow {
  if (!first) {
    throw new UnsupportedError(`${layer.name} (Embedding) is not the first layer; ONNX export supports an Embedding only as the first layer, reading the model's int64 ids`);
  }
  const { g } = ctx;
  const scope = layer.name;
  const { weight } = layer.stateDict(); // [inputDim, outputDim]
  const table = g.floatInitializer(`${scope}/weight`, weight.shape, weight.data);
  const y = g.op(scope, 'Gather', [table, flow.name]);
  ctx.records.push({ className: layer.className, config: layer.getConfig(), tensors: { weight: table } });
  const mask = layer.maskZero ? { steps: g.op(scope, 'Not', [g.op(scope, 'Equal', [flow.name, g.int64([0], [])])]) } : null;
  return { name: y, rank: flow.rank + 1, timeMajor: false, mask };
}
