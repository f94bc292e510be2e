import { ConfigError, FormatError } from '../../errors';
import { readRegularFile } from '../../io/safe-read';
import type { Sequential } from '../../model/sequential';
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
 *   Linear (per step, or on `output[:, -1]`) becomes the equivalent layers with PyTorch's weights.
 *
 * A damaged file (truncated, not protobuf, not an ONNX model, weights of the wrong shape) is a
 * `FormatError`; a valid graph with something @rnn cannot represent is an `UnsupportedError` naming
 * the node, its op type and what is supported.
 */
export async function importOnnx(source: string | Uint8Array): Promise<Sequential> {
  const label = typeof source === 'string' ? source : 'ONNX bytes';
  const bytes = typeof source === 'string' ? await readRegularFile(source, { what: 'ONNX file' }) : checkBytes(source);
  const graph = indexModel(decodeModel(bytes, label), label);
  const own = graph.metadata.get(ONNX_METADATA_KEY);
  return own !== undefined ? importOwnModel(graph, own) : importGraph(graph);
}

function checkBytes(source: unknown): Uint8Array {
  if (!(source instanceof Uint8Array)) throw new ConfigError(`importOnnx expected a file path or a Uint8Array, got ${source === null ? 'null' : typeof source}`);
  return source;
}
