import type { ValidationOutput } from './protocol';
import { readBundle } from './tensor-file';

/**
 * Tolerances for two backends (or a backend and PyTorch) on the same weights and batch. They are
 * float32 results of the same math in a different summation order, over up to 100 steps:
 * - predictions `[B, 1]`: |a − b| ≤ 1e-4 + 1e-3·|b| per value;
 * - training losses (first step; second step too when gradients are not kept):
 *   |a − b| ≤ 1e-3·|b| + 1e-6;
 * - gradients of each parameter: max |a − b| ≤ 1e-3·max |b| + 1e-6 (relative to the tensor's
 *   largest gradient, since single entries near zero have no meaningful relative error).
 */
export const TOLERANCE = {
  predictionAbs: 1e-4,
  predictionRel: 1e-3,
  lossRel: 1e-3,
  gradRel: 1e-3,
  floor: 1e-6,
} as const;

/** One compared quantity. */
export interface Check {
  /** What was compared, e.g. `prediction`, `loss step 2`, `grad 0.weight_hh_l0`. */
  what: string;
  /** Largest absolute difference. */
  maxAbsDiff: number;
  /** The tolerance it had to meet (for predictions: at the worst value). */
  tolerance: number;
  ok: boolean;
}

/** Compares predictions elementwise. */
export function comparePredictions(a: readonly number[], b: readonly number[]): Check {
  if (a.length !== b.length) return { what: `prediction length ${a.length} vs ${b.length}`, maxAbsDiff: Infinity, tolerance: 0, ok: false };
  let maxAbsDiff = 0;
  let tolerance: number = TOLERANCE.predictionAbs;
  let ok = true;
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i] - b[i]);
    const tol = TOLERANCE.predictionAbs + TOLERANCE.predictionRel * Math.abs(b[i]);
    if (!(diff <= tol)) ok = false;
    if (diff > maxAbsDiff || Number.isNaN(diff)) {
      maxAbsDiff = diff;
      tolerance = tol;
    }
  }
  return { what: 'prediction', maxAbsDiff, tolerance, ok };
}

/** Compares one scalar loss. */
export function compareLoss(what: string, a: number, b: number): Check {
  const diff = Math.abs(a - b);
  const tolerance = TOLERANCE.lossRel * Math.abs(b) + TOLERANCE.floor;
  return { what, maxAbsDiff: diff, tolerance, ok: diff <= tolerance };
}

/** Compares two gradient bundles parameter by parameter. */
export function compareGradients(fileA: string, fileB: string): Check[] {
  const a = readBundle(fileA);
  const b = readBundle(fileB);
  const checks: Check[] = [];
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const name of names) {
    const ga = a[name]?.data;
    const gb = b[name]?.data;
    if (!ga || !gb || ga.length !== gb.length) {
      checks.push({ what: `grad ${name} (missing or different length)`, maxAbsDiff: Infinity, tolerance: 0, ok: false });
      continue;
    }
    let maxAbsDiff = 0;
    let scale = 0;
    for (let i = 0; i < ga.length; i++) {
      const diff = Math.abs(ga[i] - gb[i]);
      if (diff > maxAbsDiff || Number.isNaN(diff)) maxAbsDiff = diff;
      scale = Math.max(scale, Math.abs(gb[i]));
    }
    const tolerance = TOLERANCE.gradRel * scale + TOLERANCE.floor;
    checks.push({ what: `grad ${name}`, maxAbsDiff, tolerance, ok: maxAbsDiff <= tolerance });
  }
  return checks;
}

/**
 * Every check between two validation outputs: predictions, the losses both sides have, and
 * gradients when both sides kept them (the trainer may zero them after the step; the second loss
 * covers them then).
 */
export function compareValidations(a: Pick<ValidationOutput, 'prediction' | 'losses'> & { gradsFile?: string | null }, b: Pick<ValidationOutput, 'prediction' | 'losses'> & { gradsFile?: string | null }): Check[] {
  const checks = [comparePredictions(a.prediction, b.prediction)];
  const steps = Math.min(a.losses.length, b.losses.length);
  for (let i = 0; i < steps; i++) checks.push(compareLoss(`loss step ${i + 1}`, a.losses[i], b.losses[i]));
  if (a.gradsFile && b.gradsFile) checks.push(...compareGradients(a.gradsFile, b.gradsFile));
  return checks;
}
