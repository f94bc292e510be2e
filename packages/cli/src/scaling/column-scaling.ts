/**
 * How one column is scaled for the network. Every kind is an affine map `(x − offset) / divisor`
 * whose offset and divisor come either from the window (its last value) or from the training span:
 *
 * - `ratio`: relative change from the window's last value, `(x / last − 1) / scale`: for strictly
 *   positive series (prices, counts), where a move of 1% means the same at any level;
 * - `diff`: difference from the window's last value, `(x − last) / scale`: for series that cross
 *   zero and wander or trend;
 * - `standard`: `(x − mean) / scale` over the training span: for series that keep returning to
 *   their mean;
 * - `minmax`: `(x − min) / scale` with `scale = max − min` of the training span (a single global
 *   min-max scaler, the classic tutorial choice; a model of levels cannot extrapolate past it).
 *
 * For `ratio` and `diff`, `scale` is the root mean square of the relative (or absolute) changes in
 * the training windows, so typical inputs are O(1) whatever the series' units.
 */
export const SCALING_KINDS = ['ratio', 'diff', 'standard', 'minmax'] as const;
export type ScalingKind = (typeof SCALING_KINDS)[number];

/** The fitted scaling of one column (saved with the model). */
export interface ColumnScaling {
  kind: ScalingKind;
  /** `mean` for standard, `min` for minmax, unused (0) for ratio and diff. */
  center: number;
  /** Positive and finite. */
  scale: number;
}

/** Offset and divisor of the affine map for a window whose last value is `last`. */
export function affine(s: ColumnScaling, last: number): { offset: number; divisor: number } {
  switch (s.kind) {
    case 'ratio':
      return { offset: last, divisor: last * s.scale };
    case 'diff':
      return { offset: last, divisor: s.scale };
    default:
      return { offset: s.center, divisor: s.scale };
  }
}

/** Whether the kind anchors on each window's last value (and so needs no training-span level). */
export function isRelative(kind: ScalingKind): boolean {
  return kind === 'ratio' || kind === 'diff';
}
