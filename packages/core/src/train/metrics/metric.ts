import type { Tensor } from '../../tensor';

/** Metric names `createMetric` accepts (aliases such as `'acc'` and `'mean_absolute_error'` too). */
export type MetricName = 'mae' | 'mse' | 'rmse' | 'accuracy';

/** Keras's long and short aliases, accepted by `createMetric`. */
export type MetricAlias = 'acc' | 'mean_absolute_error' | 'mean_squared_error' | 'root_mean_squared_error';

/**
 * A stateful accumulator over batches: `update` once per batch, `result` for the value over every
 * sample seen since the last `reset` (not a mean of per-batch values).
 */
export interface Metric {
  /** Canonical name, the key in logs and `History` (`val_` is prefixed for validation). */
  readonly name: string;
  /**
   * Adds one batch. `weights` (`[rows]`, one per sample or per (sample, step); see `lossRows`)
   * make the result a weighted mean `Σ w·v / Σ w` like Keras's `Mean` metrics; the model passes the
   * step mask here, so padded steps are not counted. Null or omitted means all 1.
   */
  update(pred: Tensor, target: Tensor, weights?: Float32Array | null): void;
  /** The value over everything seen; 0 before the first update (as Keras). */
  result(): number;
  reset(): void;
}
