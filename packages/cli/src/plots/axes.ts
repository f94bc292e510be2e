import { extent } from '../series/extent';

/** What the x axis shows: dates, row numbers of the file, or epochs. */
export type XAxis = { kind: 'time' } | { kind: 'row' } | { kind: 'epoch' };

const DAY = 86_400_000;
const YEAR = 365.25 * DAY;
const MONTH = YEAR / 12;

/**
 * The x encoding for values `xs` (UTC milliseconds for time). Time axes always show the year: whole
 * years on spans of two years or more, month and year on shorter spans, day, month and year under
 * two months; tick steps are chosen so the labels fit, since vega hides overlapping labels (it
 * would otherwise hide every year label of a long daily series).
 */
export function xEncoding(axis: XAxis, xs: readonly number[]): Record<string, unknown> {
  if (axis.kind === 'epoch') {
    return { field: 'x', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' }, scale: { nice: false, padding: 12 } };
  }
  if (axis.kind === 'row') return { field: 'x', type: 'quantitative', title: 'row of the file', axis: { format: 'd', tickMinStep: 1 }, scale: { zero: false } };
  const [first, last] = extent(xs);
  const span = xs.length > 1 ? last - first : 0;
  return { field: 'x', type: 'temporal', title: 'date', scale: { type: 'utc' }, axis: timeAxis(span) };
}

function timeAxis(span: number): Record<string, unknown> {
  if (span >= 2 * YEAR) return { format: '%Y', tickCount: { interval: 'year', step: Math.ceil(span / YEAR / 10) } };
  if (span >= 2 * MONTH) return { format: '%b %Y', tickCount: { interval: 'month', step: Math.ceil(span / MONTH / 8) } };
  if (span >= 2 * DAY) return { format: '%d %b %Y', tickCount: { interval: 'day', step: Math.ceil(span / DAY / 6) } };
  return { format: '%d %b %Y %H:%M', tickCount: 5 };
}
