import { describe, expect, it } from 'vitest';
import type { ChildRunner } from '../src/child-runner';
import { PairedTimingError, pooled, timePaired } from '../src/paired-timing';
import type { ModeTiming, TimedMessage } from '../src/protocol';
import { type TimingBudget, median } from '../src/timing';

const BUDGET: TimingBudget = { budgetMs: 3000, warmupMs: 300, minReps: 3, maxReps: 200 };

/** A child whose `time` answers with the next of `medians` (three samples around it) and logs each request. */
function fakeChild(name: string, medians: number[], calls: { name: string; budget: TimingBudget }[]): Pick<ChildRunner, 'time'> {
  let i = 0;
  return {
    time: async (msg) => {
      calls.push({ name, budget: msg.budget });
      const m = medians[i++];
      const timing: ModeTiming = { mode: 'infer', medianMs: m, samplesMs: [m - 1, m, m + 1], peakRssMb: 100 + i };
      return { type: 'timed', baselineRssMb: 50, timings: [timing] } satisfies TimedMessage;
    },
  };
}

describe('timePaired', () => {
  it('alternates which side leads, cuts the budget into slices and pools each side', async () => {
    const calls: { name: string; budget: TimingBudget }[] = [];
    const a = fakeChild('a', [10, 12, 14, 16], calls);
    const b = fakeChild('b', [20, 24, 28, 32], calls);
    const paired = await timePaired(a, b, 'infer', BUDGET, 4);
    expect(calls.map((c) => c.name)).toEqual(['a', 'b', 'b', 'a', 'a', 'b', 'b', 'a']);
    expect(calls[0].budget).toEqual({ budgetMs: 750, warmupMs: 300, minReps: 1, maxReps: 50 });
    expect(paired.first.timing.samplesMs).toHaveLength(12);
    expect(paired.first.timing.medianMs).toBe(median([9, 10, 11, 11, 12, 13, 13, 14, 15, 15, 16, 17]));
    expect(paired.second.timing.peakRssMb).toBe(104);
    expect(paired.first.baselineRssMb).toBe(50);
    expect(paired.sliceRatios).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it('says which side failed', async () => {
    const calls: { name: string; budget: TimingBudget }[] = [];
    const a = fakeChild('a', [10, 10], calls);
    const broken: Pick<ChildRunner, 'time'> = { time: async () => Promise.reject(new Error('child exited')) };
    const failure = await timePaired(a, broken, 'infer', BUDGET, 2).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(PairedTimingError);
    expect((failure as PairedTimingError).side).toBe(1);
    expect((failure as PairedTimingError).message).toBe('child exited');
  });
});

describe('pooled', () => {
  it('keeps every sample and weighs the per-slice means by their calls', () => {
    const one: ModeTiming = { mode: 'infer', medianMs: 2, samplesMs: [2], peakRssMb: 10, cpuPerWall: 1, profile: { meanCallMs: 2, kernelMs: { k: 1 } } };
    const three: ModeTiming = { mode: 'infer', medianMs: 4, samplesMs: [4, 4, 4], peakRssMb: 30, cpuPerWall: 2, profile: { meanCallMs: 4, kernelMs: { k: 3 } } };
    const t = pooled([one, three]);
    expect(t.samplesMs).toEqual([2, 4, 4, 4]);
    expect(t.medianMs).toBe(4);
    expect(t.peakRssMb).toBe(30);
    expect(t.cpuPerWall).toBeCloseTo(1.75);
    expect(t.profile!.meanCallMs).toBeCloseTo(3.5);
    expect(t.profile!.kernelMs.k).toBeCloseTo(2.5);
  });

  it('leaves out a mean that a slice lacks', () => {
    const t = pooled([{ mode: 'infer', medianMs: 1, samplesMs: [1], peakRssMb: 1, cpuPerWall: 1 }, { mode: 'infer', medianMs: 1, samplesMs: [1], peakRssMb: 1 }]);
    expect(t.cpuPerWall).toBeUndefined();
    expect(t.profile).toBeUndefined();
  });
});
