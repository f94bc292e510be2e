import { afterAll, beforeAll, expect, it } from 'vitest';
import { getBackend } from '../../src/backend/select';
import { SPLIT_EVERYTHING, describeNative, nativeBinding } from './load';
import { type JobResult, MODEL_JOBS, bits, runModelJob } from './model-jobs';

/**
 * Concurrency stress: 8 models (LSTM, GRU, SimpleRNN; small ones whose calls run in place and large
 * ones whose calls run on the pool) train and predict all at once, on 4 pool threads with every
 * split taken, so calls of different models run side by side and help with each other's blocks.
 * Their losses, weights and predictions must equal, bit for bit, the same seeded runs done one
 * after another: no call may see another's scratch memory, thread count or blocks.
 */
const THREADS = 4;

describeNative('concurrent models on the native pool', () => {
  const binding = nativeBinding!;
  const before = { threads: binding.getNumThreads(), thresholds: binding.splitThresholds() };
  beforeAll(() => {
    // The models must run on native even in the suite's fallback run: this test is about the pool.
    process.env.RNN_BACKEND = 'native';
    expect(getBackend().details().name).toBe('native');
    binding.setNumThreads(THREADS);
    binding.setSplitThresholds(SPLIT_EVERYTHING);
  });
  afterAll(() => {
    binding.setNumThreads(before.threads);
    binding.setSplitThresholds(before.thresholds);
  });

  it('8 models training and predicting at once give exactly the results of running them one after another', async () => {
    const inTurn: JobResult[] = [];
    for (const job of MODEL_JOBS) inTurn.push(await runModelJob(job));
    const slotsInTurn = binding.schedulerCounts().slots;
    const together = await Promise.all(MODEL_JOBS.map(runModelJob));
    // Calls really overlapped: more of them ran at once than ever before (a slot per running call).
    expect(binding.schedulerCounts().slots).toBeGreaterThan(slotsInTurn);
    together.forEach((r, i) => {
      const what = `model ${i} (${MODEL_JOBS[i].cell}, ${MODEL_JOBS[i].units} units)`;
      expect(r.losses, what).toEqual(inTurn[i].losses);
      expect(r.weights.map(bits), what).toEqual(inTurn[i].weights.map(bits));
      expect(bits(r.predictions), what).toEqual(bits(inTurn[i].predictions));
    });
    expect(binding.schedulerCounts()).toMatchObject({ queued: 0, running: 0, widestSplit: THREADS });
  });
});
