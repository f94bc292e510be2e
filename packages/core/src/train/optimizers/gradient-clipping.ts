import { ConfigError } from '../../errors';
import type { Parameter } from '../parameter';
import { checkNumber } from '../../options';

/** Gradient clipping applied before every update; at most one of the three may be set (as in Keras 3). */
export interface ClippingOptions {
  /** Rescale each parameter's gradient so its L2 norm is at most this (per-parameter `clip_grad_norm_`). */
  clipNorm?: number;
  /** Clamp every gradient value to [−clipValue, clipValue] (`clip_grad_value_`). */
  clipValue?: number;
  /** Rescale all gradients together so their joint L2 norm is at most this (`clip_grad_norm_` over all parameters). */
  globalClipNorm?: number;
}

/** The validated clipping options of one optimizer. */
export type GradientClipping =
  | { kind: 'none' }
  | { kind: 'norm'; clipNorm: number }
  | { kind: 'value'; clipValue: number }
  | { kind: 'globalNorm'; globalClipNorm: number };

/** PyTorch adds this to the norm before dividing, so a zero gradient never divides by zero. */
const NORM_EPSILON = 1e-6;

/** Validates the clipping options of `owner`; more than one set is a ConfigError. */
export function parseClipping(owner: string, options: ClippingOptions): GradientClipping {
  const set = (['clipNorm', 'clipValue', 'globalClipNorm'] as const).filter((k) => options[k] !== undefined);
  if (set.length > 1) {
    throw new ConfigError(`${owner}: only one of clipNorm, clipValue and globalClipNorm can be set, got ${set.join(' and ')}`);
  }
  if (options.clipNorm !== undefined) {
    return { kind: 'norm', clipNorm: checkNumber(owner, 'clipNorm', options.clipNorm, { above: 0 }) };
  }
  if (options.clipValue !== undefined) {
    return { kind: 'value', clipValue: checkNumber(owner, 'clipValue', options.clipValue, { above: 0 }) };
  }
  if (options.globalClipNorm !== undefined) {
    return { kind: 'globalNorm', globalClipNorm: checkNumber(owner, 'globalClipNorm', options.globalClipNorm, { above: 0 }) };
  }
  return { kind: 'none' };
}

/** The clipping options as they appear in an optimizer's config (only the one that is set). */
export function clippingConfig(clipping: GradientClipping): ClippingOptions {
  switch (clipping.kind) {
    case 'norm':
      return { clipNorm: clipping.clipNorm };
    case 'value':
      return { clipValue: clipping.clipValue };
    case 'globalNorm':
      return { globalClipNorm: clipping.globalClipNorm };
    default:
      return {};
  }
}

/** Applies `clipping` to every `param.grad`, in place. */
export function clipGradients(params: readonly Parameter[], clipping: GradientClipping): void {
  switch (clipping.kind) {
    case 'norm':
      for (const p of params) clipGradientNorm([p.grad], clipping.clipNorm);
      return;
    case 'value':
      for (const p of params) clipGradientValues(p.grad, clipping.clipValue);
      return;
    case 'globalNorm':
      clipGradientNorm(
        params.map((p) => p.grad),
        clipping.globalClipNorm,
      );
      return;
    default:
      return;
  }
}

/**
 * `torch.nn.utils.clip_grad_norm_`: scales `grads` by `min(1, maxNorm / (‖grads‖₂ + 1e-6))`, where
 * the norm is taken over all of them together. Returns the norm before clipping.
 */
export function clipGradientNorm(grads: readonly Float32Array[], maxNorm: number): number {
  let squares = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) squares += g[i] * g[i];
  const norm = Math.sqrt(squares);
  const scale = maxNorm / (norm + NORM_EPSILON);
  if (scale < 1) {
    for (const g of grads) for (let i = 0; i < g.length; i++) g[i] *= scale;
  }
  return norm;
}

/** `torch.nn.utils.clip_grad_value_`: clamps every value to [−clipValue, clipValue]. */
export function clipGradientValues(grad: Float32Array, clipValue: number): void {
  for (let i = 0; i < grad.length; i++) {
    if (grad[i] > clipValue) grad[i] = clipValue;
    else if (grad[i] < -clipValue) grad[i] = -clipValue;
  }
}
