import { autocorrelation } from '../scaling/fit-scaling';

/** A season found in the data: its length and the autocorrelation of the changes at that lag. */
export interface DetectedSeason {
  length: number;
  autocorrelation: number;
}

/** The autocorrelation a peak must reach to count as a season. */
export const SEASON_THRESHOLD = 0.3;

/**
 * Detects a season in `train` from the autocorrelation of its one-step changes (differencing
 * removes a trend, which would otherwise dominate): the peaks (local maxima above
 * {@link SEASON_THRESHOLD}) after the autocorrelation first turns negative (before that it is only
 * the series' short memory) and within a third of the span; the season is the shortest peak
 * within 90% of the highest one, so a season is preferred to its multiples. `null` when none.
 */
export function detectSeason(train: readonly number[], maxLag = 1000): DetectedSeason | null {
  const changes = train.slice(1).map((v, i) => v - train[i]);
  const last = Math.min(maxLag, Math.floor(changes.length / 3));
  if (last < 3) return null;
  const acf = [0];
  for (let lag = 1; lag <= last + 1; lag++) acf.push(autocorrelation(changes, lag));
  const firstNegative = acf.findIndex((r, lag) => lag > 0 && r < 0);
  if (firstNegative < 0) return null;
  const peaks: DetectedSeason[] = [];
  for (let lag = Math.max(2, firstNegative + 1); lag <= last; lag++) {
    if (acf[lag] > SEASON_THRESHOLD && acf[lag] >= acf[lag - 1] && acf[lag] >= acf[lag + 1]) peaks.push({ length: lag, autocorrelation: acf[lag] });
  }
  if (peaks.length === 0) return null;
  const best = Math.max(...peaks.map((p) => p.autocorrelation));
  return peaks.find((p) => p.autocorrelation >= 0.9 * best)!;
}
