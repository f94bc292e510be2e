import { ConfigError } from '../../errors';
import { canonicalLossName } from '../losses/get-loss';
import type { Loss, LossConfig } from '../losses/loss';
import { describeValue } from '../../options';
import { Accuracy } from './accuracy';
import { MeanErrorMetric } from './mean-error-metric';
import type { Metric, MetricAlias, MetricName } from './metric';

const aliases: Record<MetricName | MetricAlias, MetricName> = {
  mae: 'mae',
  mse: 'mse',
  rmse: 'rmse',
  accuracy: 'accuracy',
  acc: 'accuracy',
  mean_absolute_error: 'mae',
  mean_squared_error: 'mse',
  root_mean_squared_error: 'rmse',
};

/** Every metric name `createMetric` accepts. */
export const METRIC_NAMES: readonly string[] = Object.keys(aliases);

/**
 * A fresh metric accumulator. `'accuracy'` is resolved from the model's loss like Keras:
 * binary cross-entropy → binary accuracy (threshold 0.5, or 0 when the loss takes logits),
 * categorical → argmax vs argmax, sparse categorical → argmax vs class id; with any other loss it
 * is decided from the shapes of the first batch.
 */
export function createMetric(name: MetricName | MetricAlias, loss?: string | Loss | LossConfig): Metric {
  const canonical = typeof name === 'string' && Object.prototype.hasOwnProperty.call(aliases, name) ? aliases[name] : null;
  if (canonical === null) {
    throw new ConfigError(`Unknown metric ${describeValue(name)}; allowed names are ${METRIC_NAMES.join(', ')}`);
  }
  if (canonical !== 'accuracy') return new MeanErrorMetric(canonical);
  const lossName = typeof loss === 'string' ? loss : loss?.name;
  const fromLogits = typeof loss === 'object' && loss !== null && (loss as { fromLogits?: unknown }).fromLogits === true;
  switch (lossName === undefined ? null : canonicalLossName(lossName)) {
    case 'binaryCrossentropy':
      return new Accuracy('binary', fromLogits ? 0 : 0.5);
    case 'categoricalCrossentropy':
      return new Accuracy('categorical');
    case 'sparseCategoricalCrossentropy':
      return new Accuracy('sparseCategorical');
    default:
      return new Accuracy('auto');
  }
}
