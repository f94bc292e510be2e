import { describe, expect, it } from 'vitest';
import { percentile, serveFor } from '../src/serve-stats';

describe('serveFor', () => {
  it('serves with all K callers untimed first, and counts only the timed calls', async () => {
    let calls = 0;
    let inFlight = 0;
    let mostInFlight = 0;
    const predictOne = async (): Promise<void> => {
      calls++;
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight--;
    };
    const stats = await serveFor(predictOne, 3, 20, 20);
    expect(stats.callers).toBe(3);
    expect(mostInFlight).toBe(3);
    // Each of the 3 callers made at least one call in each phase; the warm-up's are not counted
    // (with the single warm-up call served before, 1 call would be missing from the count).
    expect(stats.sequences).toBeGreaterThanOrEqual(3);
    expect(calls - stats.sequences).toBeGreaterThanOrEqual(3);
    expect(stats.throughput).toBeCloseTo(stats.sequences / stats.seconds, 6);
  });

  it('takes percentiles by nearest rank', () => {
    expect(percentile([4, 1, 3, 2], 50)).toBe(2);
    expect(percentile([4, 1, 3, 2], 99)).toBe(4);
  });
});
