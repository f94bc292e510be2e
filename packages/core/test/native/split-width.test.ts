import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Backend } from '@rnn/backend-api';
import { SPLIT_EVERYTHING, type SplitThresholds, describeNative, nativeBinding } from './load';

/** The widest split the scheduler ran for one small SimpleRNN forward of B rows (0: none). */
function widestSplitOfForward(backend: Backend, B: number, H: number, thresholds: Partial<SplitThresholds>): number {
  nativeBinding!.setSplitThresholds(thresholds);
  const [T, I] = [3, 4];
  const filled = (n: number) => new Float32Array(n).fill(0.1);
  backend.rnnForward({
    T, B, I, H, reverse: false, batchFirst: false, activation: 'tanh',
    x: filled(T * B * I), h0: null, mask: null, wIh: filled(H * I), wHh: filled(H * H), bIh: null, bHh: null,
    recurrentMask: null, y: new Float32Array(T * B * H), hT: new Float32Array(B * H), workspace: null,
  });
  return nativeBinding!.schedulerCounts().widestSplit;
}

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

  /** One small forward with a row per thread and more, every split taken. */
  const widestSplitOfOneCall = (splitBeyondCpus: boolean) =>
    widestSplitOfForward(backend, 2 * threads, 4, { ...SPLIT_EVERYTHING, splitBeyondCpus });

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
    expect(() => binding.setSplitThresholds({ rowBlockMinRows: 0 })).toThrow(/rowBlockMinRows must be a positive integer/);
  });
});

/**
 * The recurrence's batch split keeps at least rowBlockMinRows rows in a block (default 3): every
 * block streams all of W_hh on every step, so blocks of one row (and of two, up to H = 256) lose to
 * one block.
 */
describeNative('rows per recurrence block', (backend) => {
  const binding = nativeBinding!;
  const before = { threads: binding.getNumThreads(), thresholds: binding.splitThresholds() };
  const cpus = binding.blasInfo().cpus;
  afterAll(() => {
    binding.setNumThreads(before.threads);
    binding.setSplitThresholds(before.thresholds);
  });
  beforeAll(() => {
    binding.setNumThreads(2);
  });

  const widestSplit = (B: number, H: number, settings: Partial<SplitThresholds>) =>
    widestSplitOfForward(backend, B, H, { ...before.thresholds, ...settings });

  it('defaults to three rows and a measured amount of work per block', () => {
    expect(before.thresholds.rowBlockMinRows).toBe(3);
    expect(before.thresholds.rowBlockMacs).toBeGreaterThan(0);
  });

  it('splits a batch only where every block gets its rows', () => {
    const two = cpus > 1 ? 2 : 0;
    expect(widestSplit(5, 4, { rowBlockMacs: 0 })).toBe(0);
    expect(widestSplit(6, 4, { rowBlockMacs: 0 })).toBe(two);
    expect(widestSplit(4, 4, { rowBlockMacs: 0, rowBlockMinRows: 2 })).toBe(two);
    expect(widestSplit(4, 4, { rowBlockMacs: 0, rowBlockMinRows: 3 })).toBe(0);
  });

  it('keeps a small call whole under the default work threshold', () => {
    // 3 steps × 64 rows × 32² multiply-adds (~2·10⁵): a block's worth once, not since blocks of
    // so little work were measured to lose.
    expect(widestSplit(64, 32, {})).toBe(0);
    expect(widestSplit(64, 32, { rowBlockMacs: 50_000 })).toBe(cpus > 1 ? 2 : 0);
  });
});

/**
 * Inference calls of 2 rows on 2 threads compute each row alone (sequence_driver.h): a thread a row
 * when a row's work reaches loneRowMacs (its multiply-adds plus 4096 a step, kernels/parallel.cc),
 * else the rows one after another on the calling thread, which was measured faster for rows of a few
 * µs (bench README, "Native constants"). Either way each row gives the bits of its one-row call
 * (few-rows.test.ts).
 */
describeNative('rows computed alone', (backend) => {
  const binding = nativeBinding!;
  const before = { threads: binding.getNumThreads(), thresholds: binding.splitThresholds() };
  const two = binding.blasInfo().cpus > 1 ? 2 : 0;
  afterAll(() => {
    binding.setNumThreads(before.threads);
    binding.setSplitThresholds(before.thresholds);
  });
  beforeAll(() => {
    binding.setNumThreads(2);
  });

  const widestSplit = (H: number, settings: Partial<SplitThresholds>) =>
    widestSplitOfForward(backend, 2, H, { ...before.thresholds, ...settings });

  it('gives each row a thread once a row has the default work, and none below it', () => {
    expect(before.thresholds.loneRowMacs).toBe(120_000);
    // T = 3, I = 4, one gate: a row's work is 3·(H·(4 + H) + 4096).
    expect(widestSplit(192, {})).toBe(two); // 125 184
    expect(widestSplit(184, {})).toBe(0); // 116 064
    expect(widestSplit(4, {})).toBe(0);
    expect(widestSplit(4, { loneRowMacs: 0 })).toBe(two);
  });

  it('rejects a negative threshold', () => {
    expect(() => binding.setSplitThresholds({ loneRowMacs: -1 })).toThrow(/loneRowMacs must be a non-negative safe integer/);
  });
});
