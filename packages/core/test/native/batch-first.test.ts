import { fallbackBackend } from '@rnn/fallback';
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/random';
import { bitDifferences } from './compare-outputs';
import { describeEachCpuLevel, describeNative, nativeBinding } from './load';
import { type CaseShape, type RandomKernelCase, randomKernelCase, runKernelCase } from './random-kernel-case';

/**
 * A forward call that reads x batch-first (`batchFirst`, `[B, T, I]`: what `predict` hands the
 * first recurrent layer, with no transposed copy) gives the bits of the same call on x time-major,
 * on every input path (native/src/kernels/step_inputs.h): the fused path reads the rows with a
 * stride, the projected one projects each row's steps into the time-major buffer, a lone row (and
 * the rows of a few-row call, few-rows.test.ts) needs no gather. With a workspace too, and the
 * backward after it (which reads x time-major) then gives the same gradients. The fallback too
 * (it transposes into scratch before its input GEMM). Against PyTorch on both backends: the
 * conformance suite.
 */
type Path = 'fused' | 'projected' | 'ahead';

const SHAPES: { shape: CaseShape; title: string }[] = [
  { shape: { T: 7, B: 40, I: 64, H: 40 }, title: 'rows enough to fuse the input product' },
  { shape: { T: 9, B: 5, I: 30, H: 24 }, title: 'few rows: projected up front' },
  { shape: { T: 6, B: 1, I: 20, H: 33 }, title: 'a lone row' },
  { shape: { T: 1, B: 7, I: 12, H: 9 }, title: 'one step' },
];

function pathsTaken(run: () => Promise<unknown>): Promise<Record<Path, number>> {
  const before = nativeBinding!.inputPathCounts();
  return run().then(() => {
    const after = nativeBinding!.inputPathCounts();
    return { fused: after.fused - before.fused, projected: after.projected - before.projected, ahead: after.ahead - before.ahead };
  });
}

/** The case's outputs, gradients included, once time-major and once batch-first: the fields whose bits differ. */
async function layoutDifferences(backend: Parameters<typeof runKernelCase>[0], c: RandomKernelCase): Promise<string[]> {
  const timeMajor = await runKernelCase(backend, { ...c, batchFirst: false });
  return bitDifferences(timeMajor, await runKernelCase(backend, { ...c, batchFirst: true }));
}

describe('fallback forward calls reading x batch-first', () => {
  for (const cell of ['lstm', 'gru', 'gru-reset-before', 'rnn'] as const) {
    it(`${cell}: the bits of the time-major call, every shape, both directions`, async () => {
      const failures: string[] = [];
      for (const [i, { shape }] of SHAPES.entries()) {
        for (const reverse of [false, true]) {
          const c = randomKernelCase(new Random(8_200 + 10 * i + cell.length), i, { cell: cell === 'gru-reset-before' ? 'gru' : cell, ...shape });
          c.resetAfter = cell === 'gru';
          c.reverse = reverse;
          const changed = await layoutDifferences(fallbackBackend, c);
          if (changed.length > 0) failures.push(`${c.title}: ${changed.join(', ')} differ`);
        }
      }
      expect(failures).toEqual([]);
    });
  }
});

describeNative('forward calls reading x batch-first', (backend) => {
  describeEachCpuLevel(() => {
    const seen: Record<Path, number> = { fused: 0, projected: 0, ahead: 0 };
    for (const cell of ['lstm', 'gru', 'gru-reset-before', 'rnn'] as const) {
      SHAPES.forEach(({ shape, title }, i) => {
        it(`${cell}, ${title} (${Object.entries(shape).map(([k, v]) => `${k}=${v}`).join(' ')}): the bits of the time-major call`, async () => {
          const base = cell === 'gru-reset-before' ? 'gru' : cell;
          const failures: string[] = [];
          for (const reverse of [false, true]) {
            const c: RandomKernelCase = randomKernelCase(new Random(8_100 + 10 * i + cell.length), i, { cell: base, ...shape });
            c.resetAfter = cell === 'gru';
            c.reverse = reverse;
            let changed: string[] = [];
            const taken = await pathsTaken(async () => {
              changed = await layoutDifferences(backend, c);
            });
            for (const p of Object.keys(seen) as Path[]) seen[p] += taken[p];
            if (changed.length > 0) failures.push(`${c.title}: ${changed.join(', ')} differ`);
          }
          expect(failures).toEqual([]);
        });
      });
    }
    it('the cases above ran the fused and the projected paths', () => {
      expect(seen.fused).toBeGreaterThan(0);
      expect(seen.projected).toBeGreaterThan(0);
    });
  });
});
