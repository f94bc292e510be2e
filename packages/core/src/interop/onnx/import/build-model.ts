import { FormatError } from '../../../errors';
import { Bidirectional } from '../../../layers/bidirectional';
import { Dense } from '../../../layers/dense';
import { Embedding } from '../../../layers/embedding';
import { GRU } from '../../../layers/gru';
import type { Layer, SampleShape } from '../../../layers/layer';
import { LSTM } from '../../../layers/lstm';
import type { RecurrentLayer } from '../../../layers/recurrent-layer';
import { SimpleRNN } from '../../../layers/simple-rnn';
import { Sequential } from '../../../model/sequential';
import { Tensor } from '../../../tensor';
import type { ConstTensor } from '../proto/tensor-data';
import { transpose } from './const-eval';
import { recurrentStateDict } from './recurrent-node';
import type { LayerSpec, RecurrentSpec } from './values';

/** A layer and the weights to load into it once the model is built. */
interface Built {
  layer: Layer;
  weights: Record<string, Tensor>;
}

/** A float32 tensor of a constant's values. */
export function toFloatTensor(t: ConstTensor, shape: readonly number[] = t.dims): Tensor {
  return new Tensor(Float32Array.from(t.values), shape);
}

function recurrentLayer(spec: RecurrentSpec, inputShape: [number | null, number] | undefined): Built {
  const base = { units: spec.units, activation: spec.activation, useBias: spec.B !== null, returnSequences: spec.returnSequences, goBackwards: spec.reverse };
  const gated = { ...base, recurrentActivation: spec.recurrentActivation };
  const single = spec.directions === 1 ? { inputShape } : {};
  const inner: RecurrentLayer =
    spec.kind === 'lstm'
      ? new LSTM({ ...gated, ...single, peephole: spec.P !== null })
      : spec.kind === 'gru'
        ? new GRU({ ...gated, ...single, resetAfter: spec.resetAfter })
        : new SimpleRNN({ ...base, ...single });
  const weights = recurrentStateDict(spec.kind, spec.units, spec, spec.directions === 2 ? ['', '_reverse'] : ['']);
  return { layer: spec.directions === 2 ? new Bidirectional({ layer: inner, inputShape }) : inner, weights };
}

function buildLayer(spec: LayerSpec, inputShape: SampleShape | undefined): Built {
  switch (spec.type) {
    case 'embedding': {
      const [inputDim, outputDim] = spec.table.dims;
      return { layer: new Embedding({ inputDim, outputDim, inputShape: inputShape as (number | null)[] | undefined }), weights: { weight: toFloatTensor(spec.table) } };
    }
    case 'recurrent':
      return recurrentLayer(spec, inputShape as [number | null, number] | undefined);
    case 'dense': {
      const layer = new Dense({ units: spec.kernel.dims[1], activation: spec.activation, useBias: spec.bias !== null, inputShape: inputShape as (number | null)[] | undefined });
      const weights: Record<string, Tensor> = { weight: toFloatTensor(transpose(spec.kernel, [1, 0])) };
      if (spec.bias) weights.bias = toFloatTensor(spec.bias, [spec.kernel.dims[1]]);
      return { layer, weights };
    }
  }
}

/**
 * The `Sequential` of the layers found in a graph, weights loaded. `inputShape` is one sample's
 * shape (`[steps | null, features]`, or `[steps | null]` for ids). A weight the layer rejects is a
 * `FormatError` naming the source.
 */
export function buildSequential(specs: readonly LayerSpec[], inputShape: SampleShape, source: string): Sequential {
  if (specs.length === 0) throw new FormatError(`${source}: the graph holds no layer (no Embedding, recurrent node or Linear)`);
  const built = specs.map((spec, k) => buildLayer(spec, k === 0 ? inputShape : undefined));
  const model = new Sequential(built.map((b) => b.layer));
  model.build(inputShape);
  for (const { layer, weights } of built) {
    try {
      layer.loadStateDict(weights);
    } catch (err) {
      throw new FormatError(`${source}: the weights of ${layer.name} do not fit it: ${(err as Error).message}`);
    }
  }
  return model;
}
