import type { Layer, RunContext } from '../layers/layer';
import { Tensor } from '../tensor';
import { resolveDivergence } from '../train/divergence';
import type { Loss } from '../train/losses';
import type { Optimizer } from '../train/optimizers';
import type { Parameter } from '../train/parameter';
import { backwardLayers, forwardLayers } from './layer-pass';
import { rowWeights, type NamedWeights } from './sample-weights';
import { StepGuard } from './step-guard';

/** What one optimisation step works on. */
export interface StepTarget {
  layers: readonly Layer[];
  params: readonly Parameter[];
  loss: Loss;
  optimizer: Optimizer;
  /** Checks the loss and the step, and undoes a step that diverged; default: a fresh one (this step alone). */
  guard?: StepGuard;
  /** Runs a change of the weights alone (no `predict` mid-way, see `CallGate`); default: at once. */
  exclusive?: <T>(task: () => T) => Promise<T>;
}

/** The result of one training step: the batch loss and the prediction it was computed from. */
export interface StepResult {
  loss: number;
  pred: Tensor;
  /** Per-row metric weights (the output's step mask), or null. */
  metricWeights: Float32Array | null;
}

/**
 * One optimisation step on one batch: zero the gradients, forward (training), loss and dLoss/dPred
 * (weighted by `sampleWeights` and the output's step mask, see `rowWeights`), backward in reverse,
 * optimizer step. Divergence — a non-finite loss, weight or optimizer state, or an exploding loss —
 * throws `TrainingDivergedError` after the guard has put the weights and optimizer state back to
 * before the step that caused it (see `StepGuard`), so the model never holds NaN and can train on.
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
  const guard = target.guard ?? new StepGuard(resolveDivergence(undefined));
  const exclusive = target.exclusive ?? (async <T>(task: () => T): Promise<T> => task());
  for (const p of params) p.grad.fill(0);
  const { y: pred, mask } = await forwardLayers(layers, x, ctx);
  const weights = rowWeights(sampleWeights, mask, pred); // padded steps and sample/class weights
  const dPred = new Float32Array(pred.size); // same shape as pred
  const value = loss.compute(pred, y, dPred, weights.loss);
  const advice = `lower the learning rate (now ${optimizer.learningRate}), normalise the data, or set clipNorm`;
  // The divergence check compares losses without sample or class weights (step masks still count).
  const maskOnly = (): Float32Array | null => (sampleWeights === null ? weights.loss : rowWeights(null, mask, pred).loss);
  // Both the check (which may undo the previous step) and the step change the weights: alone.
  await exclusive(() =>
    guard.checkLoss(
    {
      value,
      unweighted: () => (sampleWeights === null ? value : loss.compute(pred, y, null, maskOnly())),
      zeroPrediction: () => loss.compute(new Tensor(new Float32Array(pred.size), pred.shape), y, null, maskOnly()),
    },
    where,
    advice,
  ));
  await backwardLayers(layers, new Tensor(dPred, pred.shape), ctx);
  await exclusive(() => guard.step(params, optimizer, where, advice));
  return { loss: value, pred, metricWeights: weights.metrics };
}
