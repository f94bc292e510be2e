import { describe, expect, it } from 'vitest';
import { median, timeCall } from '../src/timing';

describe('timing', () => {
  it('takes the median of odd and even counts', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('with warmupMs 0, warms up once, then repeats a fast call up to maxReps', async () => {
    let calls = 0;
    const t = await timeCall(async () => void calls++, { budgetMs: 60_000, warmupMs: 0, minReps: 3, maxReps: 7 });
    expect(t.samplesMs).toHaveLength(7);
    expect(calls).toBe(8);
    expect(t.medianMs).toBe(median(t.samplesMs));
  });

  it('times a call that takes twice the budget or more just once, after its warm-up', async () => {
    let calls = 0;
    const slow = async (): Promise<void> => {
      calls++;
      await new Promise((r) => setTimeout(r, 20));
    };
    let resets = 0;
    const t = await timeCall(slow, { budgetMs: 5, warmupMs: 0, minReps: 3, maxReps: 7 }, () => resets++);
    expect(t.samplesMs).toHaveLength(1);
    expect(calls).toBe(2);
    expect(resets).toBe(1);
  });

  it('keeps warming up until warmupMs has passed, then times', async () => {
    let calls = 0;
    let warmupCalls = -1;
    const tick = (): Promise<void> => new Promise((r) => setTimeout(() => r(void calls++), 5));
    const start = performance.now();
    const t = await timeCall(tick, { budgetMs: 1000, warmupMs: 60, minReps: 3, maxReps: 3 }, () => {
      warmupCalls = calls;
      expect(performance.now() - start).toBeGreaterThanOrEqual(60);
    });
    expect(warmupCalls).toBeGreaterThanOrEqual(1);
    expect(t.samplesMs).toHaveLength(3);
    expect(calls).toBe(warmupCalls + 3);
  });

  it('warms a call longer than warmupMs up once', async () => {
    let calls = 0;
    const slow = (): Promise<void> => new Promise((r) => setTimeout(() => r(void calls++), 30));
    const t = await timeCall(slow, { budgetMs: 1000, warmupMs: 10, minReps: 2, maxReps: 2 });
    expect(t.samplesMs).toHaveLength(2);
    expect(calls).toBe(3);
  });

  it('takes at least minReps samples of a call under twice the budget', async () => {
    const slow = (): Promise<void> => new Promise((r) => setTimeout(r, 20));
    const t = await timeCall(slow, { budgetMs: 1000, warmupMs: 0, minReps: 3, maxReps: 3 });
    expect(t.samplesMs).toHaveLength(3);
  });
});
