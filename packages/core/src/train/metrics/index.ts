export type { Metric, MetricAlias, MetricName } from './metric';
export { MeanErrorMetric } from './mean-error-metric';
export type { MeanErrorKind } from './mean-error-metric';
export { Accuracy } from './accuracy';
export type { AccuracyKind } from './accuracy';
export { createMetric, METRIC_NAMES } from './create-metric';
