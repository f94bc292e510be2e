import { FormatError } from '../../errors';
import { Bidirectional } from '../../layers/bidirectional';
import type { Layer } from '../../layers/layer';
import { RecurrentLayer } from '../../layers/recurrent-layer';
import { Tensor } from '../../tensor';
import type { KerasVariable } from './variables';

/**
 * Where each of our gate blocks comes from in Keras's column blocks. LSTM gates are i, f, c, o in
 * both (c = PyTorch's g); Keras's GRU blocks are z, r, h and ours (PyTorch's) r, z, n.
 */
const GATE_SOURCE: Readonly<Record<string, readonly number[]>> = { lstm: [0, 1, 2, 3], gru: [1, 0, 2], rnn: [0] };

/**
 * Our state dict (PyTorch names and layouts) for one layer from its Keras variables, every shape
 * checked against the layer as built from the config (a mismatch is a `FormatError` naming the
 * variable's path): kernel `[I, G·H]` → `weight_ih_l0 [G·H, I]` (GRU blocks reordered), recurrent
 * kernel → `weight_hh_l0`, Keras's single bias → `bias_ih_l0` with `bias_hh_l0` zero (a reset_after
 * GRU's `[2, 3H]` bias gives both), Dense kernel `[in, out]` → `weight [out, in]`.
 */
export function kerasWeights(layer: Layer, vars: readonly KerasVariable[], what: string): Record<string, Tensor> {
  const take = expectCount(layer, vars, what);
  if (layer instanceof Bidirectional) {
    const half = vars.length / 2;
    return { ...recurrentWeights(layer.forwardLayer, vars.slice(0, half), '', what), ...recurrentWeights(layer.backwardLayer, vars.slice(half), '_reverse', what) };
  }
  if (layer instanceof RecurrentLayer) return recurrentWeights(layer, vars, '', what);
  const own = layer.stateDict(); // the built layer's shapes
  if (layer.className === 'Embedding') return { weight: checked(take(0), own.weight.shape, what, layer) };
  if (layer.className === 'Dense') {
    const [out, inputs] = own.weight.shape;
    const dict: Record<string, Tensor> = { weight: transpose(checked(take(0), [inputs, out], what, layer)) };
    if (own.bias) dict.bias = checked(take(1), [out], what, layer);
    return dict;
  }
  return {};
}

function recurrentWeights(layer: RecurrentLayer, vars: readonly KerasVariable[], suffix: string, what: string): Record<string, Tensor> {
  const { kind, gates } = layer.cell;
  const H = layer.units;
  const I = layer.cell.inputSize!;
  const order = GATE_SOURCE[kind];
  const dict: Record<string, Tensor> = {
    [`weight_ih_l0${suffix}`]: transpose(reorderColumns(checked(vars[0], [I, gates * H], what, layer), order, H)),
    [`weight_hh_l0${suffix}`]: transpose(reorderColumns(checked(vars[1], [H, gates * H], what, layer), order, H)),
  };
  if (vars.length === 3) {
    const twoRows = kind === 'gru' && (layer.cell as { resetAfter?: boolean }).resetAfter === true;
    const bias = checked(vars[2], twoRows ? [2, gates * H] : [gates * H], what, layer);
    const rows = reorderColumns(new Tensor(bias.data, [twoRows ? 2 : 1, gates * H]), order, H).data;
    dict[`bias_ih_l0${suffix}`] = new Tensor(rows.slice(0, gates * H), [gates * H]);
    dict[`bias_hh_l0${suffix}`] = new Tensor(twoRows ? rows.slice(gates * H) : new Float32Array(gates * H), [gates * H]);
  }
  return dict;
}

/** How many variables the layer has in Keras (a Bidirectional: both directions'); a different count is a `FormatError`. */
function expectCount(layer: Layer, vars: readonly KerasVariable[], what: string): (i: number) => KerasVariable {
  const inKeras = (l: Layer): number => (l instanceof RecurrentLayer ? (l.cell.options.useBias ? 3 : 2) : l.parameters().length);
  const expected = layer instanceof Bidirectional ? 2 * inKeras(layer.forwardLayer) : inKeras(layer);
  if (vars.length !== expected) {
    const found = vars.length === 0 ? 'no variables' : `${vars.length} variables (${vars.map((v) => v.path).join(', ')})`;
    throw new FormatError(`${what}: layer '${layer.name}' (${layer.className}) has ${expected} variables in Keras, the file holds ${found}`);
  }
  return (i) => vars[i];
}

function checked(variable: KerasVariable, shape: readonly number[], what: string, layer: Layer): Tensor {
  if (variable.shape.length !== shape.length || variable.shape.some((d, i) => d !== shape[i])) {
    throw new FormatError(
      `${what}: ${variable.path} has shape [${variable.shape.join(', ')}], but layer '${layer.name}' (${layer.className}) as configured needs [${shape.join(', ')}]`,
    );
  }
  return new Tensor(variable.values, shape);
}

/** `m [R, G·H]` with its column blocks taken in `order` (block k of the result is block order[k] of m). */
function reorderColumns(m: Tensor, order: readonly number[], H: number): Tensor {
  const [R, C] = m.shape;
  const out = new Float32Array(R * C); // [R, G·H]
  for (let r = 0; r < R; r++) {
    order.forEach((from, to) => out.set(m.data.subarray(r * C + from * H, r * C + (from + 1) * H), r * C + to * H));
  }
  return new Tensor(out, [R, C]);
}

/** `m [R, C]` transposed to `[C, R]`. */
function transpose(m: Tensor): Tensor {
  const [R, C] = m.shape;
  const out = new Float32Array(R * C); // [C, R]
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) out[c * R + r] = m.data[r * C + c];
  return new Tensor(out, [C, R]);
}
