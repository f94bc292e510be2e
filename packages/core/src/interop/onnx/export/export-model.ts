import { ConfigError, UnsupportedError } from '../../../errors';
import { Bidirectional } from '../../../layers/bidirectional';
import { Dense } from '../../../layers/dense';
import { Dropout } from '../../../layers/dropout';
import { Embedding } from '../../../layers/embedding';
import type { Layer, SampleShape } from '../../../layers/layer';
import { checkOptions, describeValue, optionKeys } from '../../../options';
import { RecurrentLayer } from '../../../layers/recurrent-layer';
import type { Sequential } from '../../../model/sequential';
import { checkModelArgument } from '../../../io/save';
import { DataType, type ModelProto } from '../proto/onnx-proto';
import { exportBidirectional } from './bidirectional';
import { exportDense, exportEmbedding } from './dense';
import { batchMajor, type ExportContext, type Flow } from './flow';
import { type Dim, GraphBuilder } from './graph-builder';
import { exportRecurrentLayer } from './recurrent-layer';
import { ONNX_METADATA_KEY, ONNX_OPSETS, type OnnxOpset, type OwnModelMetadata } from '../metadata';

/** Options of `exportOnnx` and `exportOnnxBytes`. */
export interface OnnxExportOptions {
  /** ONNX opset of the graph, 14 to 17 (default 17). */
  opset?: OnnxOpset;
}

const ONNX_EXPORT_OPTION_KEYS = optionKeys<OnnxExportOptions>({ opset: true });

/** The IR version that opsets 14–17 belong to (ONNX 1.10–1.12). */
const IR_VERSION = 8;

/**
 * The ONNX model of a built `Sequential`: graph input `input` (`[batch, steps, features]` float, or
 * `[batch, steps]` int64 ids when the first layer is an Embedding), graph output `output`, batch and
 * steps as dynamic axes (also where the model's `inputShape` fixes the steps), every weight an initializer, plus the state inputs and outputs of
 * stateful and `returnState` layers. The architecture goes into `metadata_props` so that
 * `importOnnx` can rebuild the exact model.
 */
export function buildOnnxModel(model: Sequential, options: OnnxExportOptions | undefined): ModelProto {
  checkModelArgument('exportOnnx', model);
  const opset = checkExportOptions(options);
  const layers = model.layers;
  if (layers.length === 0 || !model.built || !layers[0].inputShape) {
    throw new ConfigError(`${model.name} is not built yet: give its first layer an inputShape, or run fit/predict once, before exporting it`);
  }
  const g = new GraphBuilder();
  const ctx: ExportContext = { g, stateOutputs: [], records: [] };
  const inputShape = layers[0].inputShape;
  const ids = layers[0] instanceof Embedding;
  // The time axis is dynamic even where the model fixes it: the graph computes the same for any length.
  const hasTime = ids || inputShape.length >= 2;
  const input = g.input('input', ids ? DataType.INT64 : DataType.FLOAT, ['batch', ...dims(inputShape, hasTime)]);
  let flow: Flow = { name: input, rank: inputShape.length + 1, timeMajor: false, mask: null };
  layers.forEach((layer, k) => (flow = exportLayer(ctx, layer, flow, k === 0)));
  const outputShape = layers.reduce<SampleShape>((shape, layer) => layer.computeOutputShape(shape), inputShape);
  g.output('output', batchMajor(ctx, flow, 'output'), DataType.FLOAT, ['batch', ...dims(outputShape, hasTime && outputShape.length >= 2)]);
  for (const state of ctx.stateOutputs) g.output(state.name, state.source, DataType.FLOAT, state.dims);
  const metadata: OwnModelMetadata = { format: 'rnn-onnx', version: 1, name: model.name, seed: model.seed, inputShape: [...inputShape], layers: ctx.records };
  return {
    ir_version: IR_VERSION,
    opset_import: [{ domain: '', version: opset }],
    producer_name: '@rnn/core',
    graph: g.build(model.name),
    metadata_props: [{ key: ONNX_METADATA_KEY, value: JSON.stringify(metadata) }],
  };
}

function exportLayer(ctx: ExportContext, layer: Layer, flow: Flow, first: boolean): Flow {
  if (layer instanceof Embedding) return exportEmbedding(ctx, layer, flow, first);
  if (layer instanceof Dense) return exportDense(ctx, layer, flow);
  if (layer instanceof Bidirectional) return exportBidirectional(ctx, layer, flow);
  if (layer instanceof RecurrentLayer) return exportRecurrentLayer(ctx, layer, flow);
  if (layer instanceof Dropout) {
    // Inference: dropout is the identity.
    ctx.records.push({ className: layer.className, config: layer.getConfig(), tensors: {} });
    return flow;
  }
  throw new UnsupportedError(
    `${layer.name} (${layer.className}) has no ONNX export; supported layers: Embedding, Dense, Dropout, SimpleRNN, LSTM, GRU, Bidirectional`,
  );
}

/** Graph dims of a sample shape: `steps` for its time axis (the first, when it has one), sizes, or names for unknown sizes. */
function dims(shape: SampleShape, hasTime: boolean): Dim[] {
  return shape.map((d, i) => (hasTime && i === 0 ? 'steps' : (d ?? `dim_${i + 1}`)));
}

/** The opset, after checking the options object (unknown keys are a `ConfigError`). */
function checkExportOptions(options: OnnxExportOptions | undefined): OnnxOpset {
  checkOptions('exportOnnx', options, ONNX_EXPORT_OPTION_KEYS);
  if (options === undefined) return 17;
  const opset = options.opset ?? 17;
  if (!(ONNX_OPSETS as readonly unknown[]).includes(opset)) {
    throw new ConfigError(`exportOnnx: opset must be one of ${ONNX_OPSETS.join(', ')}, got ${describeValue(opset)}`);
  }
  return opset;
}
