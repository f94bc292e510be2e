import type { AdamConstants } from '@rnn/backend-api';
import { getBackend } from '../../backend/select';

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

/**
 * One Adam step of one parameter on the backend in use: `slots` are its first and second moments,
 * and with AMSGrad the running maximum of the second. Shared by Adam and AdamW.
 */
export function adamStep(value: Float32Array, grad: Float32Array, slots: Float32Array[], s: AdamStep): void {
  getBackend().optimizer.adam(value, grad, slots[0], slots[1], slots[2] ?? null, adamConstants(s));
}
