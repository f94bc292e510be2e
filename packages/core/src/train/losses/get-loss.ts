import { ConfigError } from '../../errors';
import { describeValue } from '../../options';
import { BinaryCrossentropy } from './binary-crossentropy';
import { CategoricalCrossentropy } from './categorical-crossentropy';
import { Huber } from './huber';
import type { Loss, LossAlias, LossConfig, LossName } from './loss';
import { MeanAbsoluteError } from './mean-absolute-error';
import { MeanSquaredError } from './mean-squared-error';
import { SparseCategoricalCrossentropy } from './sparse-categorical-crossentropy';

/** Anything `getLoss` accepts: a name, an alias, a config (from `getConfig`) or a ready instance. */
export type LossSpec = LossName | LossAlias | LossConfig | Loss;

const factories: Record<LossName, (options: Record<string, unknown>) => Loss> = {
  mse: (o) => new MeanSquaredError(o as Record<string, never>),
  mae: (o) => new MeanAbsoluteError(o as Record<string, never>),
  huber: (o) => new Huber(o),
  binaryCrossentropy: (o) => new BinaryCrossentropy(o),
  categoricalCrossentropy: (o) => new CategoricalCrossentropy(o),
  sparseCategoricalCrossentropy: (o) => new SparseCategoricalCrossentropy(o),
};

const aliases: Record<LossAlias, LossName> = {
  mean_squared_error: 'mse',
  meanSquaredError: 'mse',
  mean_absolute_error: 'mae',
  meanAbsoluteError: 'mae',
  huber_loss: 'huber',
  binary_crossentropy: 'binaryCrossentropy',
  categorical_crossentropy: 'categoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
};

/** Every name `getLoss` accepts, canonical names first. */
export const LOSS_NAMES: readonly string[] = [...Object.keys(factories), ...Object.keys(aliases)];

/** The canonical name for a loss name or alias, or null if unknown. */
export function canonicalLossName(name: string): LossName | null {
  if (Object.prototype.hasOwnProperty.call(factories, name)) return name as LossName;
  if (Object.prototype.hasOwnProperty.call(aliases, name)) return aliases[name as LossAlias];
  return null;
}

/**
 * Resolves a loss: `'mse'`, `'mean_squared_error'`, `{ name: 'huber', delta: 2 }` or an instance
 * (returned as is). Anything else is a ConfigError listing the allowed names.
 */
export function getLoss(spec: LossSpec): Loss {
  if (typeof spec === 'object' && spec !== null && typeof (spec as Loss).compute === 'function') {
    return spec as Loss;
  }
  if (typeof spec === 'string') return build(spec, {});
  if (typeof spec === 'object' && spec !== null && typeof (spec as LossConfig).name === 'string') {
    const { name, ...options } = spec as LossConfig;
    return build(name, options);
  }
  throw new ConfigError(`loss must be a loss name, config or Loss instance; allowed names are ${LOSS_NAMES.join(', ')}; got ${describeValue(spec)}`);
}

function build(name: string, options: Record<string, unknown>): Loss {
  const canonical = canonicalLossName(name);
  if (canonical === null) {
    throw new ConfigError(`Unknown loss '${name}'; allowed names are ${LOSS_NAMES.join(', ')}`);
  }
  return factories[canonical](options);
}
