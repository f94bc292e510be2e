import { ConfigError } from '../../errors';
import { describeValue } from '../../options';
import { Adagrad } from './adagrad';
import { Adam } from './adam';
import { AdamW } from './adamw';
import type { Optimizer, OptimizerConfig, OptimizerName } from './optimizer';
import { RMSprop } from './rmsprop';
import { SGD } from './sgd';

/** Anything `getOptimizer` accepts: a name (any case), a config from `getConfig`, or an instance. */
export type OptimizerSpec = OptimizerName | OptimizerConfig | Optimizer;

const factories: Record<OptimizerName, (options: Record<string, unknown>) => Optimizer> = {
  sgd: (o) => new SGD(o),
  adam: (o) => new Adam(o),
  adamw: (o) => new AdamW(o),
  rmsprop: (o) => new RMSprop(o),
  adagrad: (o) => new Adagrad(o),
};

/** Every optimizer name `getOptimizer` accepts. */
export const OPTIMIZER_NAMES: readonly OptimizerName[] = Object.keys(factories) as OptimizerName[];

/**
 * Resolves an optimizer: `'adam'` / `'Adam'` (defaults), `{ name: 'sgd', learningRate: 0.1, momentum: 0.9 }`,
 * or an instance (returned as is). Anything else is a ConfigError listing the allowed names.
 */
export function getOptimizer(spec: OptimizerSpec): Optimizer {
  if (typeof spec === 'object' && spec !== null && typeof (spec as Optimizer).step === 'function') {
    return spec as Optimizer;
  }
  if (typeof spec === 'string') return build(spec, {});
  if (typeof spec === 'object' && spec !== null && typeof (spec as OptimizerConfig).name === 'string') {
    const { name, ...options } = spec as OptimizerConfig;
    return build(name, options);
  }
  throw new ConfigError(
    `optimizer must be a name, config or Optimizer instance; allowed names are ${OPTIMIZER_NAMES.join(', ')}; got ${describeValue(spec)}`,
  );
}

function build(name: string, options: Record<string, unknown>): Optimizer {
  const key = name.toLowerCase();
  if (!Object.prototype.hasOwnProperty.call(factories, key)) {
    throw new ConfigError(`Unknown optimizer '${name}'; allowed names are ${OPTIMIZER_NAMES.join(', ')}`);
  }
  return factories[key as OptimizerName](options);
}
