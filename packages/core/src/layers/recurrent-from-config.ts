import { ConfigError } from '../errors';
import { Bidirectional, type BidirectionalOptions } from './bidirectional';
import { GRU, type GRUOptions } from './gru';
import { LSTM, type LSTMOptions } from './lstm';
import type { RecurrentLayer } from './recurrent-layer';
import { SimpleRNN, type SimpleRNNOptions } from './simple-rnn';

/** Class names `recurrentLayerFromConfig` understands. */
export const RECURRENT_CLASS_NAMES = ['SimpleRNN', 'LSTM', 'GRU', 'Bidirectional'] as const;

/**
 * Rebuilds a recurrent layer (or a `Bidirectional`) from its `className` and `getConfig()`, e.g. when
 * loading a saved model. The layer comes back unbuilt; load its weights with `loadStateDict`.
 */
export function recurrentLayerFromConfig(className: string, config: Record<string, unknown>): RecurrentLayer | Bidirectional {
  const { inputShape, ...rest } = config;
  const options = { ...rest, ...(inputShape ? { inputShape } : {}) };
  switch (className) {
    case 'SimpleRNN':
      return new SimpleRNN(options as unknown as SimpleRNNOptions);
    case 'LSTM':
      return new LSTM(options as unknown as LSTMOptions);
    case 'GRU':
      return new GRU(options as unknown as GRUOptions);
    case 'Bidirectional': {
      const inner = config.layer as { className?: unknown; config?: unknown } | undefined;
      if (!inner || typeof inner.className !== 'string' || typeof inner.config !== 'object' || inner.config === null) {
        throw new ConfigError(`Bidirectional config needs layer: { className, config }, got ${JSON.stringify(inner)}`);
      }
      const layer = recurrentLayerFromConfig(inner.className, inner.config as Record<string, unknown>);
      if (layer instanceof Bidirectional) throw new ConfigError('Bidirectional cannot wrap a Bidirectional layer');
      return new Bidirectional({ ...(options as unknown as Omit<BidirectionalOptions, 'layer'>), layer });
    }
    default:
      throw new ConfigError(`unknown recurrent layer class '${className}'; expected one of ${RECURRENT_CLASS_NAMES.join(', ')}`);
  }
}
