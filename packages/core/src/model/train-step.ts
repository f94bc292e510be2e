import { TrainingDivergedError } from '../errors';
import type { Layer, RunContext } from '../layers/layer';
import { Tensor } from '../tensor';
import type { Loss } from '../train/losses';
import type { Optimizer } from '../train/optimizers';
import type { Parameter } from '../train/parameter';
import { backwardLayers, forwardLayers } from './layer-pass';
import { rowWeights, type NamedWeights } from './sample-weights';

/** What one optimisation step works on. */
export interface StepTarget {
  layers: readonly Layer[];
  params: readonly Parameter[];
  loss: Loss;
  optimizer: Optimizer;
}

/** The result of one training step: the batch loss and the prediction it was computed from. */
export interface StepResult {
  loss: number;
  pred: Tensor;
  /** Per-row metric weights (the output's step mask), or null. */
  metricWeights: Float32Array | null;
}

/** Index of the first non-finite value over all parameter values, or null. */
function firstNonFinite(params: readonly Parameter[]): string | null {
  for (const p of params) {
    for (let i = 0; i < p.value.length; i++) if (!Number.isFinite(p.value[i])) return `${p.name}[${i}] = ${p.value[i]}`;
  }
  return null;
}

/**
 * Per parameter, the buffer its values are copied into before the optimizer step, reused from step
 * to step (`[size]` like the value; lifetime: one step — read only to undo a diverged update).
 */
const backups = new WeakMap<Parameter, Float32Array>();

function backupOf(p: Parameter): Float32Array {
  let backup = backups.get(p);
  if (backup === undefined || backup.length !== p.value.length) {
    backup = new Float32Array(p.value.length);
    backups.set(p, backup);
  }
  backup.set(p.value);
  return backup;
}

/**
 * One optimisation step on one batch: zero the gradients, forward (training), loss and dLoss/dPred
 * (weighted by `sampleWeights` and the output's step mask, see `rowWeights`),
 * backward in reverse, optimizer step. A non-finite loss or non-finite weights after the step throw
 * `TrainingDivergedError`; the weights are first restored to their values before the step, so the
 * model is never left holding NaN.
 */
export async function trainStep(
  target: StepTarget,
  x: Tensor,
  y: Tensor,
  sampleWeights: NamedWeights | null,
  ctx: RunContext,
  where: string,
): Promise<StepResult> {
  const { layers, params, loss, optimizer } = target;
  for (const p of params) p.grad.fill(0);
  const { y: pred, mask } = await forwardLayers(layers, x, ctx);
  const weights = rowWeights(sampleWeights, mask, pred); // padded steps and sample/class weights
  const dPred = new Float32Array(pred.size); // same shape as pred
  const value = loss.compute(pred, y, dPred, weights.loss);
  const advice = `lower the learning rate (now ${optimizer.learningRate}), normalise the data, or set clipNorm`;
  if (!Number.isFinite(value)) {
    throw new TrainingDivergedError(`Training diverged at ${where}: the loss is ${value}. The weights are those before this step; ${advice}.`);
  }
  await backwardLayers(layers, new Tensor(dPred, pred.shape), ctx);
  const before = params.map(backupOf); // weights before the step, to undo a bad one
  optimizer.step(params);
  const bad = firstNonFinite(params);
  if (bad !== null) {
    params.forEach((p, i) => p.value.set(before[i]));
    throw new TrainingDivergedError(
      `Training diverged at ${where}: the optimizer step made ${bad}. The weights were restored to their values before this step; ${advice}.`,
    );
  }
  return { loss: value, pred, metricWeights: weights.metrics };
}
