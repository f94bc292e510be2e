import { describe, expect, it } from 'vitest';
import { type ServePlan, type ServeStats, percentile, serveInTurns, serveProcessPair, sliceRatios } from '../src/serve-stats';

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

  it('serves one process alone and two at once in turns, pooling each side', async () => {
    const events: string[] = [];
    let bRunning = false;
    const stats = (throughput: number, seconds: number): ServeStats => ({
      callers: 1,
      sequences: throughput * seconds,
      seconds,
      throughput,
      p50Ms: 1,
      p99Ms: 1,
      sliceThroughputs: [throughput],
    });
    const tick = () => new Promise((resolve) => setTimeout(resolve, 1));
    // Process a serves 100/s alone and 80/s beside b; b serves 70/s. Warm-ups are recorded.
    const a = async (warmupMs: number) => {
      await tick(); // b, called right after a, has started by now when they run together
      const shared = bRunning;
      events.push(`a${shared ? '+b' : ''}:${warmupMs}`);
      return stats(shared ? 80 : 100, 2);
    };
    const b = async (warmupMs: number) => {
      bRunning = true;
      await tick();
      await tick();
      bRunning = false;
      return stats(70, 1);
    };
    const pair = await serveProcessPair(a, b, { slices: 3, warmupMs: 50, rewarmMs: 5 });
    expect(pair.one).toBeCloseTo(100, 9);
    expect(pair.two).toBeCloseTo((3 * (160 + 70)) / (3 * 1.5), 9); // sequences over the two sides' mean seconds
    expect(pair.roundRatios).toEqual([1.5, 1.5, 1.5]);
    // Rounds alternate which side leads; the first round's calls warm up for 50 ms, the rest for 5.
    expect(events).toEqual(['a:50', 'a+b:50', 'a+b:5', 'a:5', 'a:5', 'a+b:5']);
  });

  it('takes percentiles by nearest rank', () => {
    expect(percentile([4, 1, 3, 2], 50)).toBe(2);
    expect(percentile([4, 1, 3, 2], 99)).toBe(4);
  });
});
