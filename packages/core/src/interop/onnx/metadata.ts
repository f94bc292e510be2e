import type { SampleShape } from '../../layers/layer';
import type { LayerRecord } from './export/flow';

/** The opsets `exportOnnx` writes: 14 (the first with today's LSTM/GRU/RNN) to 17. */
export const ONNX_OPSETS = [14, 15, 16, 17] as const;

/** An opset `exportOnnx` writes. */
export type OnnxOpset = (typeof ONNX_OPSETS)[number];

/** The `metadata_props` key under which an exported model keeps its architecture. */
export const ONNX_METADATA_KEY = 'rnn.model';

/**
 * What `exportOnnx` stores in `metadata_props`: the model's layer configs (as `save` stores them) and,
 * per layer, the initializers holding its weights, so `importOnnx` rebuilds the exact model, masking
 * and merge modes included, which the graph alone spells out only as glue nodes.
 */
export interface OwnModelMetadata {
  format: 'rnn-onnx';
  version: 1;
  name: string;
  seed: number;
  inputShape: SampleShape;
  layers: LayerRecord[];
}
