import { checkBufferSize } from '../buffer-limits';
import type { Layer, RunContext } from '../layers/layer';
import type { Tensor } from '../tensor';
import type { Loss } from '../train/losses';
import { concatRows, sliceRows, yieldToEventLoop } from './batching';
import { forwardLayers } from './layer-pass';
import { rowWeights, type NamedWeights } from './sample-weights';

/** A metric as `createMetric` returns it: a running value over the batches it is shown. */
export interface RunningMetric {
  readonly name: string;
  update(pred: Tensor, target: Tensor, weights?: Float32Array | null): void;
  result(): number;
  reset(): void;
}

/** Forward passes (inference) over `x` in batches of `batchSize`, concatenated along the batch axis. */
export async function predictInBatches(layers: readonly Layer[], x: Tensor, batchSize: number, ctx: RunContext): Promise<Tensor> {
  const n = x.shape[0];
  const parts: Tensor[] = [];
  for (let start = 0; start < n; start += batchSize) {
    parts.push((await forwardLayers(layers, sliceRows(x, start, Math.min(n, start + batchSize)), ctx)).y);
    // The concatenated output [n, …]: known to fit (or not) from the first batch's.
    if (start === 0) checkBufferSize('predict', `the output for ${n} samples`, (parts[0].size / parts[0].shape[0]) * n);
    if (start + batchSize < n) await yieldToEventLoop();
  }
  return parts.length === 1 ? parts[0] : concatRows(parts);
}

/**
 * Loss and metrics over `(x, y)` in batches, like Keras's `evaluate`: the loss is the mean of the
 * batch losses weighted by batch size; metrics accumulate over every batch. `sampleWeight`
 * (`[n]` or `[n, steps]`) and the output's step mask weight the loss as in training (`rowWeights`).
 */
export async function evaluateInBatches(
  layers: readonly Layer[],
  loss: Loss,
  metrics: readonly RunningMetric[],
  x: Tensor,
  y: Tensor,
  sampleWeight: NamedWeights | null,
  batchSize: number,
  ctx: RunContext,
): Promise<Record<string, number>> {
  const n = x.shape[0];
  let total = 0;
  for (const m of metrics) m.reset();
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const target = sliceRows(y, start, end);
    const { y: pred, mask } = await forwardLayers(layers, sliceRows(x, start, end), ctx);
    const batchWeights = sampleWeight && { option: sampleWeight.option, values: sliceRows(sampleWeight.values, start, end) };
    const weights = rowWeights(batchWeights, mask, pred);
    total += loss.compute(pred, target, null, weights.loss) * (end - start);
    for (const m of metrics) m.update(pred, target, weights.metrics);
    if (end < n) await yieldToEventLoop();
  }
  const logs: Record<string, number> = { loss: total / n };
  for (const m of metrics) logs[m.name] = m.result();
  return logs;
}
