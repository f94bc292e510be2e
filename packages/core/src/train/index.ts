/**
 * Training pieces of @rnn/core: losses, optimizers (with gradient clipping), metrics, callbacks and
 * the progress output used by `Sequential.fit`.
 */
export * from './losses';
export * from './optimizers';
export * from './metrics';
export * from './callbacks';
export { ProgressLogger } from './progress-logger';
export type { ProgressLoggerOptions, ProgressStream } from './progress-logger';
export { DEFAULT_MAX_LOSS_GROWTH } from './divergence';
export type { DivergenceOptions, DivergenceSpec } from './divergence';
