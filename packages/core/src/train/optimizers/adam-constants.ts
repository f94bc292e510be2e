import type { AdamConstants } from '@rnn/backend-api';

/** Hyper-parameters of one Adam step. */
export interface AdamStep {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Coupled L2 penalty added to the gradient (Adam's `weight_decay`); 0 for AdamW. */
  l2: number;
  /** 1-based step number, for bias correction. */
  step: number;
}

/**
 * The constants of the backend's Adam update (`Backend.optimizer.adam`) for one step, PyTorch's
 * bias correction: derived here once, so every backend updates from the same doubles.
 */
export function adamConstants(s: AdamStep): AdamConstants {
  return {
    stepSize: s.learningRate / (1 - s.beta1 ** s.step),
    correction2Sqrt: Math.sqrt(1 - s.beta2 ** s.step),
    beta1: s.beta1,
    beta2: s.beta2,
    epsilon: s.epsilon,
    l2: s.l2,
  };
}
