import type { Backend } from '@rnn/backend-api';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Random } from '../../src/random';
import { bitDifferences } from './compare-outputs';
import { describeEachCpuLevel, describeNative, nativeBinding, SPLIT_EVERYTHING, type SplitThresholds } from './load';
import { type CaseOutputs, type CaseShape, type RandomKernelCase, randomKernelCase, runKernelCase } from './random-kernel-case';

/**
 * The recurrence's row hand-offs (native/src/kernels/row_handoff.h): a thread whose row block is done
 * takes the upper half of the rows another block has left, from that block's next step on, in the
 * forward and in the backward loop. Rows then move between threads by timing alone, so the results
 * must not depend on it: forced hand-offs (every block but the first sleeping before each step) give
 * the bits of the same calls with none, for inference (no workspace) and training (the forward with
 * its workspace, then the backward: every gradient), every cell, both directions, masks, on the fused
 * and the projected input paths, at every CPU level, with two and three row blocks. The hand-offs
 * are counted per loop, so the comparison cannot pass without rows moving in both.
 */
const SHAPES: { shape: CaseShape; title: string }[] = [
  { shape: { T: 12, B: 40, I: 64, H: 40 }, title: 'rows enough to fuse the input product' },
  { shape: { T: 9, B: 37, I: 150, H: 24 }, title: 'odd rows, wide inputs' },
  { shape: { T: 4, B: 64, I: 20, H: 33 }, title: 'few steps' },
];

async function bothRuns(backend: Backend, c: RandomKernelCase): Promise<CaseOutputs> {
  const inference = await runKernelCase(backend, c, 'sync', 'inference');
  const training = await runKernelCase(backend, c);
  return { ...Object.fromEntries(Object.entries(inference).map(([k, v]) => [`inference ${k}`, v])), ...training };
}

describeNative('row hand-offs in the forward and backward loops', (backend) => {
  const binding = nativeBinding!;
  for (const threads of [2, 3]) {
    describeEachCpuLevel(() => {
      let before: { threads: number; thresholds: SplitThresholds };
      beforeAll(() => {
        before = { threads: binding.getNumThreads(), thresholds: binding.splitThresholds() };
        binding.setNumThreads(threads);
        binding.setSplitThresholds(SPLIT_EVERYTHING); // a row block a thread, even beyond the CPUs
      });
      afterAll(() => {
        binding.setRowHandoffsForTests(true, 0);
        binding.setNumThreads(before.threads);
        binding.setSplitThresholds(before.thresholds);
      });
      const seen = { fused: 0, projected: 0, forward: 0, backward: 0 };
      for (const cell of ['lstm', 'gru', 'gru-reset-before', 'rnn'] as const) {
        it(`${cell}, ${threads} row blocks: forced hand-offs give the bits of none`, async () => {
          const failures: string[] = [];
          for (const [i, { shape, title }] of SHAPES.entries()) {
            for (const reverse of [false, true]) {
              const c = randomKernelCase(new Random(9_100 + 10 * i + cell.length + threads), i, { cell: cell === 'gru-reset-before' ? 'gru' : cell, ...shape });
              c.resetAfter = cell === 'gru';
              c.reverse = reverse;
              binding.setRowHandoffsForTests(false, 0);
              const alone = await bothRuns(backend, c);
              binding.setRowHandoffsForTests(true, 400);
              const handoffs = binding.rowHandoffs();
              const paths = binding.inputPathCounts();
              const handed = await bothRuns(backend, c);
              const after = binding.inputPathCounts();
              seen.fused += after.fused - paths.fused;
              seen.projected += after.projected - paths.projected;
              const moved = binding.rowHandoffs();
              seen.forward += moved.forward - handoffs.forward;
              seen.backward += moved.backward - handoffs.backward;
              binding.setRowHandoffsForTests(true, 0);
              const changed = bitDifferences(alone, handed);
              if (changed.length > 0) failures.push(`${title}, ${c.title}: ${changed.join(', ')} differ`);
            }
          }
          expect(failures).toEqual([]);
        });
      }
      it('rows moved in both loops, on both input paths', () => {
        // The unslowed block waits for every block to have a thread (row_handoff.cc, tests only),
        // so rows move even when a loaded machine starts executors late; the count is still over
        // all cells, since a single call's hand-offs depend on timing.
        expect(seen.forward).toBeGreaterThan(0);
        expect(seen.backward).toBeGreaterThan(0);
        expect(seen.fused).toBeGreaterThan(0);
        expect(seen.projected).toBeGreaterThan(0);
      });
    });
  }
});
