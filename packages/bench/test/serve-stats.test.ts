import { describe, expect, it } from 'vitest';
import { type ServePlan, type ServeStats, percentile, serveInTurns, sliceRatios } from '../src/serve-stats';

describe('serveInTurns', () => {
  it('warms each K up untimed, then serves the K in turns, slice by slice, counting only timed calls', async () => {
    let calls = 0;
    let inFlight = 0;
    const phases: number[] = []; // callers in flight at each call, in order
    const predictOne = async (): Promise<void> => {
      calls++;
      phases.push(++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight--;
    };
    const plan: ServePlan = { callers: [1, 3], durationMs: 40, warmupMs: 10, slices: 4, rewarmMs: 5 };
    const [one, three] = await serveInTurns(predictOne, plan);
    expect([one.callers, three.callers]).toEqual([1, 3]);
    expect(Math.max(...phases)).toBe(3);
    for (const s of [one, three]) {
      expect(s.sliceThroughputs).toHaveLength(4);
      expect(s.sequences).toBeGreaterThanOrEqual(4 * s.callers); // every caller calls in every slice
      expect(s.throughput).toBeCloseTo(s.sequences / s.seconds, 6);
    }
    // The warm-ups (2 phases) and re-warms (8) are untimed: at least one call per caller in each.
    expect(calls - one.sequences - three.sequences).toBeGreaterThanOrEqual(1 + 3 + 4 * (1 + 3));
  });

  it('alternates which K leads a round', async () => {
    // A call that overlaps another was made with two callers in flight; phases never overlap
    // (each waits for all its callers), so the labels in call order, runs collapsed, give the phases.
    const calls: { start: number; end: number }[] = [];
    let clock = 0;
    const predictOne = async (): Promise<void> => {
      const call = { start: clock++, end: Infinity };
      calls.push(call);
      await new Promise((resolve) => setTimeout(resolve, 1));
      call.end = clock++;
    };
    const plan: ServePlan = { callers: [1, 2], durationMs: 8, warmupMs: 0, slices: 4, rewarmMs: 0 };
    await serveInTurns(predictOne, plan);
    const labels = calls.map((c) => (calls.some((o) => o !== c && o.start < c.end && c.start < o.end) ? 2 : 1));
    const phases = labels.filter((k, i) => i === 0 || k !== labels[i - 1]);
    // Warm-ups 1, 2; rounds 1 2 | 2 1 | 1 2 | 2 1 (consecutive 2s and 1s collapse).
    expect(phases).toEqual([1, 2, 1, 2, 1, 2, 1]);
  });

  it('gives each round\'s ratio of K callers over one caller', () => {
    const run = (callers: number, sliceThroughputs: number[]): ServeStats => ({
      callers,
      sequences: 0,
      seconds: 1,
      throughput: 0,
      p50Ms: 0,
      p99Ms: 0,
      sliceThroughputs,
    });
    expect(sliceRatios([run(1, [100, 200]), run(2, [170, 300])], 2)).toEqual([1.7, 1.5]);
    expect(sliceRatios([run(1, [100])], 2)).toBeNull();
    expect(sliceRatios([run(1, [100]), run(2, [170, 300])], 2)).toBeNull();
  });

  it('takes percentiles by nearest rank', () => {
    expect(percentile([4, 1, 3, 2], 50)).toBe(2);
    expect(percentile([4, 1, 3, 2], 99)).toBe(4);
  });
});
