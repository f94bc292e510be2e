import { extent } from '../series/extent';

/**
 * Decimals that show a quantity of typical size `scale` to about four significant digits, e.g.
 * 2 for errors of tens of index points, 4 for errors of tenths of a degree.
 */
export function decimalsFor(scale: number): number {
  if (!(scale > 0) || !Number.isFinite(scale)) return 2;
  return Math.min(8, Math.max(0, 3 - Math.floor(Math.log10(scale))));
}

/** `value` with `decimals` decimals, never `-0` (a rounded −0.0001 prints as 0). */
export function formatNumber(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/** A finite number for JSON output: `-0` becomes 0. */
export function jsonNumber(value: number): number {
  return Object.is(value, -0) ? 0 : value;
}

/** Left-aligned first column, right-aligned others, two spaces apart. */
export function formatTable(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0].map((_, j) => extent(rows.map((r) => r[j].length))[1]);
  return rows.map((r) => r.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join('  ').trimEnd());
}
