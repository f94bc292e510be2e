import { ConfigError } from '../errors';
import { checkNumber, checkOptions, describeValue, optionKeys } from '../options';

/**
 * How training decides it has diverged (`compile({ divergence })`). A non-finite loss, weight or
 * optimizer state is always divergence: nothing useful comes after it. On top of that, a loss that
 * explodes while staying finite (Adam at an absurd learning rate reaches 1e12 and keeps going) is
 * caught by comparing each batch loss with where training started:
 *
 *   loss > maxLossGrowth × max(first batch loss, loss of predicting zeros on that batch)
 *
 * The reference is taken at the first batch of every `fit` (and at the first `trainOnBatch` after
 * `compile`). The loss of an all-zero prediction sets a floor from the data's own scale, so a run
 * that resumes from a near-perfect model (first loss 1e-9) does not trip on an ordinary batch. The
 * compared loss is unweighted (step masks still apply), so sample or class weights that make some
 * batches weigh far more than others do not look like divergence.
 */
export interface DivergenceOptions {
  /** How many times the reference the batch loss may reach (default 1e4: four orders of magnitude). */
  maxLossGrowth?: number;
}

/** What `compile` takes: options, or `false` to turn the explosion check off (non-finite values still stop training). */
export type DivergenceSpec = DivergenceOptions | false;

/** The default `maxLossGrowth`. Healthy training stays well below its starting loss; 1e4 times it is not training. */
export const DEFAULT_MAX_LOSS_GROWTH = 1e4;

/** A resolved divergence rule: `maxLossGrowth` is `Infinity` when the explosion check is off. */
export interface DivergenceRule {
  maxLossGrowth: number;
}

const DIVERGENCE_OPTION_KEYS = optionKeys<DivergenceOptions>({ maxLossGrowth: true });

/** Checks `compile`'s `divergence` option. */
export function resolveDivergence(spec: DivergenceSpec | undefined): DivergenceRule {
  if (spec === undefined) return { maxLossGrowth: DEFAULT_MAX_LOSS_GROWTH };
  if (spec === false) return { maxLossGrowth: Infinity };
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new ConfigError(`compile: divergence must be false or { maxLossGrowth }, got ${describeValue(spec)}`);
  }
  checkOptions('compile divergence', spec, DIVERGENCE_OPTION_KEYS);
  return { maxLossGrowth: checkNumber('compile divergence', 'maxLossGrowth', spec.maxLossGrowth ?? DEFAULT_MAX_LOSS_GROWTH, { above: 1 }) };
}
