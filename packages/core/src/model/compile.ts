import { ConfigError } from '../errors';
import { checkRequiredOptions } from '../options';
import { resolveDivergence, type DivergenceSpec } from '../train/divergence';
import { getLoss, type Loss, type LossSpec } from '../train/losses';
import { createMetric, type MetricAlias, type MetricName } from '../train/metrics';
import { getOptimizer, type Optimizer, type OptimizerSpec } from '../train/optimizers';
import { COMPILE_OPTION_KEYS } from './model-options';
import { StepGuard } from './step-guard';

/** Options of `compile`. */
export interface CompileOptions {
  /** An optimizer name (`'adam'`, …), config or instance. */
  optimizer: OptimizerSpec;
  /** A loss name (`'mse'`, `'binary_crossentropy'`, …), config or instance. */
  loss: LossSpec;
  /** Metrics reported by `fit` and `evaluate`: `'mae' | 'mse' | 'rmse' | 'accuracy'`. */
  metrics?: (MetricName | MetricAlias)[];
  /**
   * When training counts as diverged (see `DivergenceOptions`): by default a non-finite value or a
   * batch loss above 1e4 times the loss training started from; `false` keeps only the non-finite check.
   */
  divergence?: DivergenceSpec;
}

/** What `compile` was given, in a form `save` can store and `compile` can take again. */
export interface CompileConfig {
  optimizer: ReturnType<Optimizer['getConfig']>;
  loss: string | Record<string, unknown>;
  metrics: (MetricName | MetricAlias)[];
  /** Present when `compile` was given one. */
  divergence?: DivergenceSpec;
}

/** The compiled training setup. */
export interface Compiled {
  optimizer: Optimizer;
  loss: Loss;
  metrics: (MetricName | MetricAlias)[];
  /** Divergence checks and one-step undo, for this optimizer. */
  guard: StepGuard;
}

/** Checks `compile`'s options and builds the training setup and its storable config. */
export function compileSettings(owner: string, options: CompileOptions): { compiled: Compiled; config: CompileConfig } {
  checkRequiredOptions(`${owner}.compile`, options, COMPILE_OPTION_KEYS, "{ optimizer: 'adam', loss: 'mse' }");
  if (options.optimizer === undefined) throw new ConfigError(`${owner}.compile: optimizer is required (e.g. 'adam')`);
  if (options.loss === undefined) throw new ConfigError(`${owner}.compile: loss is required (e.g. 'mse')`);
  const optimizer = getOptimizer(options.optimizer);
  const loss = getLoss(options.loss);
  const metrics = options.metrics ?? [];
  if (!Array.isArray(metrics)) throw new ConfigError(`${owner}.compile: metrics must be an array of names, got ${typeof metrics}`);
  for (const m of metrics) createMetric(m, loss); // validates each name now, not mid-fit
  const guard = new StepGuard(resolveDivergence(options.divergence));
  const divergence = options.divergence;
  return {
    compiled: { optimizer, loss, metrics: [...metrics], guard },
    config: {
      optimizer: optimizer.getConfig(),
      loss: loss.getConfig ? loss.getConfig() : loss.name,
      metrics: [...metrics],
      ...(divergence === undefined ? {} : { divergence: divergence === false ? false : { ...divergence } }),
    },
  };
}
