import { median } from './timing';

/** A figure measured once per run of `--repeat N`: its median over the runs, and its range. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  /** Runs that measured it. */
  n: number;
}

/** The spread of the runs that measured a figure (`null` / `undefined` where a run did not); `null` if none did. */
export function spreadOf(values: readonly (number | null | undefined)[]): Spread | null {
  const present = values.filter((v): v is number => v !== null && v !== undefined && Number.isFinite(v));
  if (present.length === 0) return null;
  return { median: median(present), min: Math.min(...present), max: Math.max(...present), n: present.length };
}

/** `1.23×` for one run, `1.23× (1.19–1.31)` for several; empty when not measured. */
export function formatSpread(s: Spread | null, digits = 2, unit = ''): string {
  if (!s) return '';
  const median = `${s.median.toFixed(digits)}${unit}`;
  return s.n > 1 ? `${median} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})` : median;
}
