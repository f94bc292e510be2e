import { UTCDate } from '@date-fns/utc';
import { addBusinessDays, addMilliseconds, addMonths, isLastDayOfMonth, lastDayOfMonth } from 'date-fns';

/** How far apart the rows of a dated series are, when they are regular enough to extend. */
export type Cadence =
  | { kind: 'fixed'; ms: number; description: string }
  | { kind: 'months'; months: number; description: string }
  | { kind: 'business-days'; description: string };

const DAY = 86_400_000;
const FIXED_NAMES: [number, string][] = [
  [DAY, 'days'],
  [7 * DAY, 'weeks'],
  [3_600_000, 'hours'],
  [60_000, 'minutes'],
];
const MONTH_NAMES: Record<number, string> = { 1: 'months', 3: 'quarters', 12: 'years' };

/**
 * The cadence of sorted UTC timestamps: one fixed step (days, hours, …), whole calendar months
 * (months, quarters, years), or business days (weekdays only, gaps of at most a week, so holidays
 * and closures are allowed); `null` when irregular.
 */
export function detectCadence(dates: readonly number[]): Cadence | null {
  if (dates.length < 2) return null;
  const gaps = dates.slice(1).map((d, i) => d - dates[i]);
  // Months first: Dec 31 → Jan 31 → Mar 2 is two equal gaps of 31 days, but not a monthly series.
  const months = monthSteps(dates);
  if (months !== null) return { kind: 'months', months, description: MONTH_NAMES[months] ?? `${months}-month steps` };
  if (gaps.every((g) => g === gaps[0])) {
    const name = FIXED_NAMES.find(([ms]) => ms === gaps[0])?.[1] ?? `steps of ${gaps[0] / 1000} s`;
    return { kind: 'fixed', ms: gaps[0], description: name };
  }
  const midnight = dates.every((d) => d % DAY === 0);
  const weekdays = dates.every((d) => new Date(d).getUTCDay() % 6 !== 0);
  // Trading days: weekdays only, with holidays and the odd closure of a few days in between.
  if (midnight && weekdays && gaps.every((g) => g >= DAY && g <= 7 * DAY)) return { kind: 'business-days', description: 'business days' };
  return null;
}

/** Whole calendar months between every pair of neighbours, all equal, on the same day of the month (or month ends). */
function monthSteps(dates: readonly number[]): number | null {
  const d = dates.map((t) => new Date(t));
  const index = d.map((x) => x.getUTCFullYear() * 12 + x.getUTCMonth());
  const step = index[1] - index[0];
  if (step < 1 || index.some((m, i) => i > 0 && m - index[i - 1] !== step)) return null;
  const isMonthEnd = (x: Date) => new Date(x.getTime() + DAY).getUTCDate() === 1;
  const sameDay = d.every((x) => x.getUTCDate() === d[0].getUTCDate()) || d.every(isMonthEnd);
  return sameDay ? step : null;
}

/** The `count` timestamps after `last`, one cadence step apart. */
export function futureDates(last: number, cadence: Cadence, count: number): number[] {
  const start = new UTCDate(last);
  // Month steps count from the last date each time, so month ends stay month ends (Feb 29 → Mar 31).
  const monthEnd = isLastDayOfMonth(start);
  return Array.from({ length: count }, (_, i) => {
    const k = i + 1;
    if (cadence.kind === 'fixed') return addMilliseconds(start, k * cadence.ms).getTime();
    if (cadence.kind === 'business-days') return addBusinessDays(start, k).getTime();
    const next = addMonths(start, k * cadence.months);
    return (monthEnd ? lastDayOfMonth(next) : next).getTime();
  });
}
