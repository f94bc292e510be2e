import { fallbackBackend } from '@rnn/fallback';
import { expect, it } from 'vitest';
import { Random } from '../../src/random';
import { compareOutputs } from './compare-outputs';
import { describeEachCpuLevel, describeNative, nativeBinding } from './load';
import { randomKernelCase, runKernelCase } from './random-kernel-case';

/**
 * Where a forward call's steps get their input pre-activations at large weights: with the AVX-512
 * step kernels they compute them themselves up to 16 MiB of packed W_ih and W_hh, at the other
 * levels up to 2 MiB (native/README.md, "Fused input product"). A 6 MiB call (I = 256, H = 512)
 * takes the path its level chooses, and either way agrees with the fallback (forward, workspace,
 * every gradient; tolerance: compare-outputs.ts).
 */
type InputPath = 'fused' | 'projected' | 'ahead';
type PathCounts = Record<InputPath, number>;

function pathDeltas(before: PathCounts, after: PathCounts): PathCounts {
  return { fused: after.fused - before.fused, projected: after.projected - before.projected, ahead: after.ahead - before.ahead };
}

function oneCall(path: InputPath): PathCounts {
  return { fused: 0, projected: 0, ahead: 0, [path]: 1 };
}

describeNative('the input product of calls with large weights', (nativeBackend) => {
  describeEachCpuLevel((level) => {
    const path = level === 'avx512' ? 'fused' : 'projected';
    for (const cell of ['lstm', 'gru', 'rnn'] as const) {
      // SimpleRNN's W_ih and W_hh take 1.5 MiB at these sizes: fused at every level.
      const expected = cell === 'rnn' ? 'fused' : path;
      it(`${cell} T=2 B=128 I=256 H=512: ${expected}, as the fallback computes it`, async () => {
        const c = randomKernelCase(new Random(6_000 + cell.length), 0, { cell, T: 2, B: 128, I: 256, H: 512 });
        c.resetAfter = true; // GRU with reset-before always projects first
        const before = nativeBinding!.inputPathCounts();
        const native = await runKernelCase(nativeBackend, c);
        const after = nativeBinding!.inputPathCounts();
        expect(pathDeltas(before, after)).toEqual(oneCall(expected));
        expect(compareOutputs(native, await runKernelCase(fallbackBackend, c)), c.title).toBe('');
      });
    }
  });
});

/**
 * A lone row (B = 1): with the AVX-512 step kernels, LSTM and GRU (reset after) steps compute the
 * projections of the next block of six steps inside their recurrent products (ProjectionAhead in
 * native/src/kernels/step_kernels.h); SimpleRNN, the GRU with reset before and the other levels
 * project up front. Shapes that reach the edges: T not a multiple of the block (and shorter than
 * one), H with a partial tile, I longer and shorter than H, reverse, LSTM peepholes. At every level
 * a lone LSTM or GRU (reset-after) row runs its gate pass over all its whole tiles at once. Each
 * agrees with the fallback (forward, workspace, every gradient; tolerance: compare-outputs.ts).
 */
describeNative('the input product of a lone row', (nativeBackend) => {
  describeEachCpuLevel((level) => {
    const shapes = [
      { T: 50, I: 64, H: 128 },
      { T: 13, I: 70, H: 40 },
      { T: 4, I: 3, H: 33 },
      { T: 7, I: 200, H: 1 },
    ];
    for (const cell of ['lstm', 'gru', 'gru-reset-before', 'rnn'] as const) {
      const ahead = level === 'avx512' && (cell === 'lstm' || cell === 'gru');
      const expected: InputPath = ahead ? 'ahead' : 'projected';
      shapes.forEach((shape, i) => {
        it(`${cell} B=1 T=${shape.T} I=${shape.I} H=${shape.H}: ${expected}, as the fallback computes it`, async () => {
          const base = cell === 'gru-reset-before' ? 'gru' : cell;
          const c = randomKernelCase(new Random(7_000 + 10 * i + cell.length), i, { cell: base, B: 1, ...shape });
          c.resetAfter = cell === 'gru';
          c.reverse = i % 2 === 1;
          if (base === 'lstm') {
            // Peepholes on every other shape: the one pass over the row's tiles reads them per tile.
            const peephole = i % 2 === 0 ? Float32Array.from({ length: 3 * shape.H }, (_, k) => Math.sin(k) * 0.4) : null;
            c.inputs.peephole = peephole;
            c.inputs.dPeephole = peephole ? new Float32Array(3 * shape.H).fill(0.05) : null;
          }
          const before = nativeBinding!.inputPathCounts();
          const native = await runKernelCase(nativeBackend, c);
          const after = nativeBinding!.inputPathCounts();
          expect(pathDeltas(before, after)).toEqual(oneCall(expected));
          expect(compareOutputs(native, await runKernelCase(fallbackBackend, c)), c.title).toBe('');
        });
      });
    }
  });
});
