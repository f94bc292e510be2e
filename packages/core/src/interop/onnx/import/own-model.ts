import { LSTMCell } from '../../../cells/lstm-cell';
import type { RecurrentCell } from '../../../cells/recurrent-cell';
import { FormatError } from '../../../errors';
import { rebuildLayer } from '../../../io/layer-registry';
import { Bidirectional } from '../../../layers/bidirectional';
import type { Layer } from '../../../layers/layer';
import { RecurrentLayer } from '../../../layers/recurrent-layer';
import { Sequential } from '../../../model/sequential';
import type { Tensor } from '../../../tensor';
import type { LayerRecord } from '../export/flow';
import { ONNX_GATE_BLOCKS } from '../gate-order';
import type { OwnModelMetadata } from '../metadata';
import { type ConstTensor, readTensor } from '../proto/tensor-data';
import { toFloatTensor } from './build-model';
import { transpose } from './const-eval';
import type { OnnxGraph } from './graph-index';
import { recurrentStateDict } from './recurrent-node';

/**
 * Imports a model `exportOnnx` wrote: the layers are rebuilt from the configs in its metadata (so
 * masking, merge modes, `goBackwards`, `stateful` and activations come back as they were) and their
 * weights are read from the graph's initializers, converted back from ONNX's layouts. A metadata
 * entry or initializer that does not fit is a `FormatError`.
 */
export function importOwnModel(g: OnnxGraph, json: string): Sequential {
  const meta = parseMetadata(json, g.source);
  let model: Sequential;
  let layers: Layer[];
  try {
    layers = meta.layers.map((r) => rebuildLayer(r.className, r.config));
    model = new Sequential(layers, { name: meta.name, seed: meta.seed });
    model.build(meta.inputShape);
  } catch (err) {
    throw new FormatError(`${g.source}: cannot rebuild the model its metadata describes: ${(err as Error).message}`);
  }
  layers.forEach((layer, k) => {
    const weights = layerWeights(g, layer, meta.layers[k]);
    try {
      layer.loadStateDict(weights);
    } catch (err) {
      throw new FormatError(`${g.source}: the initializers of ${layer.name} do not fit it: ${(err as Error).message}`);
    }
  });
  return model;
}

function parseMetadata(json: string, source: string): OwnModelMetadata {
  let meta: OwnModelMetadata;
  try {
    meta = JSON.parse(json) as OwnModelMetadata;
  } catch (err) {
    throw new FormatError(`${source}: its @rnn metadata is not valid JSON: ${(err as Error).message}`);
  }
  const ok =
    typeof meta === 'object' && meta !== null && meta.format === 'rnn-onnx' && meta.version === 1 && Array.isArray(meta.layers) && Array.isArray(meta.inputShape) && typeof meta.name === 'string';
  if (!ok) throw new FormatError(`${source}: its @rnn metadata is not format 'rnn-onnx' version 1 with name, inputShape and layers`);
  for (const r of meta.layers) {
    if (typeof r !== 'object' || r === null || typeof r.className !== 'string' || typeof r.config !== 'object' || typeof r.tensors !== 'object' || r.tensors === null) {
      throw new FormatError(`${source}: a layer of its @rnn metadata lacks className, config or tensors`);
    }
  }
  return meta;
}

/** The weights of one rebuilt layer, in our layout, from the initializers its record names. */
function layerWeights(g: OnnxGraph, layer: Layer, record: LayerRecord): Record<string, Tensor> {
  const initializer = (key: string, dims: number[] | null): ConstTensor | null => {
    const name = record.tensors[key];
    if (name === null || name === undefined || dims === null) return null;
    const t = g.initializers.get(String(name));
    if (!t) throw new FormatError(`${g.source}: ${layer.name}'s ${key} is initializer '${name}', which the graph does not have`);
    const value = readTensor(t, `${g.source}: initializer '${name}'`);
    if (value.dims.join(',') !== dims.join(',')) {
      throw new FormatError(`${g.source}: initializer '${name}' (${layer.name}'s ${key}) has shape [${value.dims.join(', ')}], but ${layer.name} needs [${dims.join(', ')}]`);
    }
    return value;
  };
  if (layer instanceof RecurrentLayer || layer instanceof Bidirectional) {
    const inner: RecurrentLayer = layer instanceof Bidirectional ? layer.forwardLayer : layer;
    const cell: RecurrentCell = inner.cell;
    const { kind, units: H, inputSize } = cell;
    const D = layer instanceof Bidirectional ? 2 : 1;
    const GH = ONNX_GATE_BLOCKS[kind].length * H;
    const weights = {
      W: initializer('W', [D, GH, inputSize!])!,
      R: initializer('R', [D, GH, H])!,
      B: initializer('B', cell.biasIh ? [D, 2 * GH] : null),
      P: initializer('P', cell instanceof LSTMCell && cell.peephole ? [D, 3 * H] : null),
    };
    if (!weights.W || !weights.R) throw new FormatError(`${g.source}: ${layer.name} names no W or R initializer`);
    const suffixes = D === 1 ? [''] : record.tensors.forwardDirection === 1 ? ['_reverse', ''] : ['', '_reverse'];
    return recurrentStateDict(kind, H, weights, suffixes);
  }
  const dict = layer.built ? layer.stateDict() : {};
  if ('kernel' in record.tensors) {
    const [out, features] = dict.weight.shape;
    const bias = initializer('bias', dict.bias ? [out] : null);
    return { weight: toFloatTensor(transpose(initializer('kernel', [features, out])!, [1, 0])), ...(bias ? { bias: toFloatTensor(bias) } : {}) };
  }
  if ('weight' in record.tensors) return { weight: toFloatTensor(initializer('weight', [...dict.weight.shape])!) };
  return {};
}
