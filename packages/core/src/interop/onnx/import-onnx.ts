import type { Sequential } from '../../model/sequential';
import { type ModelSource, readModelSource, sourceName } from '../model-source';
import { indexModel } from './import/graph-index';
import { importGraph } from './import/graph-walk';
import { importOwnModel } from './import/own-model';
import { ONNX_METADATA_KEY } from './metadata';
import { decodeModel } from './proto/onnx-proto';

/**
 * Reads an ONNX file into a `Sequential`:
 * - a model `exportOnnx` wrote comes back exactly (its architecture is in the file's metadata, its
 *   weights in the graph), so it predicts what the original predicted;
 * - a graph such as `torch.onnx.export` writes (opset 14–17, constant folding on or off, static or
 *   dynamic shapes) for `batch_first=True` Embedding + stacked/bidirectional LSTM, GRU or RNN +
 *   Linear (per step, on `output[:, -1]` or on `h_n[-1]`) becomes the equivalent layers with
 *   PyTorch's weights.
 *
 * A damaged file (truncated, not protobuf, not an ONNX model, weights of the wrong shape) is a
 * `FormatError`; a valid graph with something @rnn cannot represent is an `UnsupportedError` naming
 * the node, its op type and what is supported.
 */
export async function importOnnx(source: ModelSource): Promise<Sequential> {
  const bytes = await readModelSource(source, 'importOnnx');
  const label = sourceName(source);
  const graph = indexModel(decodeModel(bytes, label), label);
  const own = graph.metadata.get(ONNX_METADATA_KEY);
  return own !== undefined ? importOwnModel(graph, own) : importGraph(graph);
}
