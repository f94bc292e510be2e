import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SPLIT_EVERYTHING, describeNative, nativeBinding } from './load';

/**
 * With more pool threads than CPUs, one call splits no wider than the CPUs (native/README.md,
 * "Runtime"): the extra threads serve calls that run at the same time. The thread tests lift that
 * cap (splitBeyondCpus) to run wide splits on a small machine; both must really reach the kernels,
 * seen in the widest split the scheduler ran.
 */
describeNative('split width with more threads than CPUs', (backend) => {
  const binding = nativeBinding!;
  const before = { threads: binding.getNumThreads(), thresholds: binding.splitThresholds() };
  const cpus = binding.blasInfo().cpus;
  const threads = cpus + 2;
  afterAll(() => {
    binding.setNumThreads(before.threads);
    binding.setSplitThresholds(before.thresholds);
  });
  beforeAll(() => {
    binding.setNumThreads(threads);
  });

  /** One small SimpleRNN forward with a row per thread and more, every split taken. */
  function widestSplitOfOneCall(splitBeyondCpus: boolean): number {
    binding.setSplitThresholds({ ...SPLIT_EVERYTHING, splitBeyondCpus });
    const [T, B, I, H] = [3, 2 * threads, 4, 4];
    const filled = (n: number) => new Float32Array(n).fill(0.1);
    backend.rnnForward({
      T, B, I, H, reverse: false, activation: 'tanh',
      x: filled(T * B * I), h0: null, mask: null, wIh: filled(H * I), wHh: filled(H * H), bIh: null, bHh: null,
      recurrentMask: null, y: new Float32Array(T * B * H), hT: new Float32Array(B * H), workspace: null,
    });
    return binding.schedulerCounts().widestSplit;
  }

  it('counts the CPUs this process may run on, as Node does', () => {
    expect(cpus).toBe(availableParallelism());
    expect(binding.getNumThreads()).toBe(threads);
  });

  it('splits one call over the CPUs, not over every thread', () => {
    expect(widestSplitOfOneCall(false)).toBe(cpus > 1 ? cpus : 0);
    expect(binding.blasInfo().splitWidth).toBe(cpus);
  });

  it('splits as wide as the thread count once the cap is lifted', () => {
    expect(widestSplitOfOneCall(true)).toBe(threads);
    expect(binding.blasInfo().splitWidth).toBe(threads);
    expect(binding.splitThresholds().splitBeyondCpus).toBe(true);
  });

  it('rejects a split setting of the wrong type', () => {
    expect(() => binding.setSplitThresholds({ splitBeyondCpus: 1 as never })).toThrow(/splitBeyondCpus must be a boolean/);
  });
});
