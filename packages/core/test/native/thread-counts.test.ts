import { fallbackBackend } from '@rnn/fallback';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Random } from '../../src/random';
import { runConformanceSuite } from '../../src/testing/conformance';
import { bitDifferences, compareOutputs } from './compare-outputs';
import { SPLIT_EVERYTHING, describeNative, nativeBinding } from './load';
import { type CaseOutputs, randomKernelCase, runKernelCase } from './random-kernel-case';

/**
 * The native kernels at 1, 2, 3, 4 and 8 pool threads, with every split taken (thresholds 0, and the
 * CPU cap on a split's width lifted: on a 2-core machine the 8-thread splits really have 8 blocks,
 * which then take turns on the cores), so row blocks, GEMM blocks and pointwise blocks of every
 * count run: the conformance suite, the native-vs-fallback property cases (the fallback's
 * results computed once for all counts), and the same cases again, asynchronously while another call
 * runs beside them, which must give the sync results bit for bit (a call's splits depend on the
 * thread count and the shape only, never on which threads are free).
 */
const THREAD_COUNTS = [1, 2, 3, 4, 8];
const CASES = 80;

describeNative('native kernels at several thread counts', (backend) => {
  const binding = nativeBinding!;
  const rng = new Random(20_251_130);
  const cases = Array.from({ length: CASES }, (_, i) => randomKernelCase(rng, i));
  const fallbackResults: CaseOutputs[] = [];
  const before = { threads: binding.getNumThreads(), thresholds: binding.splitThresholds() };

  beforeAll(async () => {
    for (const c of cases) fallbackResults.push(await runKernelCase(fallbackBackend, c));
  });
  afterAll(() => {
    binding.setNumThreads(before.threads);
    binding.setSplitThresholds(before.thresholds);
  });

  for (const threads of THREAD_COUNTS) {
    describe(`${threads} threads, every split taken`, () => {
      beforeAll(() => {
        expect(binding.setNumThreads(threads)).toBe(threads);
        binding.setSplitThresholds(SPLIT_EVERYTHING);
      });

      it(`${CASES} random kernel calls agree with the fallback, and repeat bit for bit beside other calls`, async () => {
        const failures: string[] = [];
        for (let i = 0; i < CASES; i++) {
          const c = cases[i];
          const first = await runKernelCase(backend, c, 'sync');
          const problems = compareOutputs(first, fallbackResults[i]);
          if (problems) failures.push(`${c.title}\n${problems}`);
          const [again] = await Promise.all([runKernelCase(backend, c, 'async'), runKernelCase(backend, cases[(i + 1) % CASES], 'async')]);
          const changed = bitDifferences(first, again);
          if (changed.length > 0) failures.push(`${c.title}: not bit-identical across runs: ${changed.join(', ')}`);
        }
        expect(failures.slice(0, 5).join('\n\n')).toBe('');
        // The splits were as wide as the thread count, whatever the machine's CPUs.
        expect(binding.schedulerCounts().widestSplit).toBe(threads > 1 ? threads : 0);
      });

      runConformanceSuite(`native, ${threads} threads`, backend);
    });
  }
});
