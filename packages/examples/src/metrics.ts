/** Seconds since `start` (a `performance.now()` reading), to one decimal. */
export function secondsSince(start: number): number {
  return Math.round((performance.now() - start) / 100) / 10;
}
