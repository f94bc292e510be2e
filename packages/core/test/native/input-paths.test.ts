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
        expect({ fused: after.fused - before.fused, projected: after.projected - before.projected }).toEqual(
          expected === 'fused' ? { fused: 1, projected: 0 } : { fused: 0, projected: 1 },
        );
        expect(compareOutputs(native, await runKernelCase(fallbackBackend, c)), c.title).toBe('');
      });
    }
  });
});
