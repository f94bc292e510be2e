import { FormatError } from '../errors';
import { Dense, type DenseOptions } from '../layers/dense';
import { Dropout, type DropoutOptions } from '../layers/dropout';
import { Embedding, type EmbeddingOptions } from '../layers/embedding';
import type { Layer } from '../layers/layer';
import { Bidirectional, type BidirectionalOptions } from '../layers/bidirectional';
import { GRU, type GRUOptions } from '../layers/gru';
import { LSTM, type LSTMOptions } from '../layers/lstm';
import { RecurrentLayer } from '../layers/recurrent-layer';
import { SimpleRNN, type SimpleRNNOptions } from '../layers/simple-rnn';
import { isObject } from './format';

/** Builds a layer from its saved `getConfig()`. */
type LayerFactory = (config: Record<string, unknown>) => Layer;

/** A config without a `null` inputShape (the constructors take "absent", not `null`). */
function options<T>(config: Record<string, unknown>): T {
  const { inputShape, ...rest } = config;
  return { ...rest, ...(inputShape ? { inputShape } : {}) } as T;
}

/**
 * The layer classes a saved model may name. Looked up lazily (a function, not a constant) so that
 * an import cycle between `model` and `io` can never leave an entry undefined at load time.
 */
function layerFactories(): Record<string, LayerFactory> {
  return {
    LSTM: (c) => new LSTM(options<LSTMOptions>(c)),
    GRU: (c) => new GRU(options<GRUOptions>(c)),
    SimpleRNN: (c) => new SimpleRNN(options<SimpleRNNOptions>(c)),
    Bidirectional: (c) => {
      // The wrapped layer is saved as { className, config }: rebuild it first.
      const inner = c.layer;
      if (!isObject(inner) || typeof inner.className !== 'string' || !isObject(inner.config)) {
        throw new FormatError(`Bidirectional config needs layer: { className, config }, got ${JSON.stringify(inner)}`);
      }
      const layer = rebuildLayer(inner.className, inner.config);
      if (!(layer instanceof RecurrentLayer)) throw new FormatError(`Bidirectional can wrap SimpleRNN, LSTM or GRU, got ${inner.className}`);
      return new Bidirectional({ ...options<Omit<BidirectionalOptions, 'layer'>>(c), layer });
    },
    Dense: (c) => new Dense(options<DenseOptions>(c)),
    Embedding: (c) => new Embedding(options<EmbeddingOptions>(c)),
    Dropout: (c) => new Dropout(options<DropoutOptions>(c)),
  };
}

/**
 * Rebuilds one layer from its class name and config. An unknown class name, or a config the layer
 * rejects, is a `FormatError` naming both.
 */
export function rebuildLayer(className: string, config: Record<string, unknown>): Layer {
  const factories = layerFactories();
  const factory = Object.prototype.hasOwnProperty.call(factories, className) ? factories[className] : undefined;
  if (!factory) {
    throw new FormatError(`unknown layer className '${className}'; a saved model may use ${Object.keys(factories).join(', ')}`);
  }
  try {
    return factory(config);
  } catch (err) {
    throw new FormatError(`cannot rebuild ${className} from its saved config: ${(err as Error).message}`);
  }
}
