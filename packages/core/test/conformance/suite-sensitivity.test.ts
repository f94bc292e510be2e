import type { GemmArgs, Kernels } from '@rnn/backend-api';
import { fallbackBackend } from '@rnn/fallback';
import { describe, expect, it } from 'vitest';
import { Random } from '../../src/random';
import { ClosenessError } from '../../src/testing/compare';
import { checkFiniteDifferences, randomNetwork } from '../../src/testing/finite-difference';
import { checkAccumulation, checkForward, checkGradients } from '../../src/testing/fixture-checks';
import { loadKernelCases } from '../../src/testing/fixtures';
import { checkGemm } from '../../src/testing/gemm-checks';
import type { KernelCaller } from '../../src/testing/kernel-network';
import { FD_EPSILON, FD_SAMPLES_PER_TENSOR, FD_TOLERANCE, GEMM_TOLERANCE } from '../../src/testing/tolerances';

/**
 * The conformance checks must be able to fail: each test breaks the fallback backend in one small,
 * realistic way and expects the matching check to reject it (and the unbroken backend to pass).
 */

const base: Kernels = fallbackBackend;
const lstmCase = loadKernelCases('lstm').find((c) => c.name === 'lstm_basic')!;
const gruCase = loadKernelCases('gru').find((c) => c.name === 'gru_reset_before')!;

function mutant(overrides: Partial<KernelCaller>): KernelCaller {
  return {
    lstmForward: (a) => base.lstmForward(a),
    lstmBackward: (a) => base.lstmBackward(a),
    gruForward: (a) => base.gruForward(a),
    gruBackward: (a) => base.gruBackward(a),
    rnnForward: (a) => base.rnnForward(a),
    rnnBackward: (a) => base.rnnBackward(a),
    gemm: (a) => base.gemm(a),
    ...overrides,
  };
}

describe('the conformance checks catch broken kernels', () => {
  it('the unbroken fallback passes the checks used below', async () => {
    await checkForward(base, lstmCase);
    await checkGradients(base, lstmCase);
    await checkAccumulation(base, gruCase);
  });

  it('a forward output off by 3e-5 in one element', async () => {
    const broken = mutant({
      lstmForward: (a) => {
        base.lstmForward(a);
        a.y[5] += 3e-5;
      },
    });
    await expect(checkForward(broken, lstmCase)).rejects.toThrow(/lstm_basic: y: 1 of 45 values differ/);
  });

  it('a recurrent-weight gradient 1% too large', async () => {
    const broken = mutant({
      lstmBackward: (a) => {
        const before = a.dWHh.slice();
        base.lstmBackward(a);
        for (let i = 0; i < a.dWHh.length; i++) a.dWHh[i] = before[i] + (a.dWHh[i] - before[i]) * 1.01;
      },
    });
    await expect(checkGradients(broken, lstmCase)).rejects.toThrow(/dweight_hh_l0/);
  });

  it('parameter gradients overwritten instead of accumulated', async () => {
    const broken = mutant({
      gruBackward: (a) => {
        a.dWIh.fill(0);
        base.gruBackward(a);
      },
    });
    await expect(checkAccumulation(broken, gruCase)).rejects.toThrow(/after two backward calls: dweight_ih_l0/);
  });

  it('dx accumulated instead of overwritten', async () => {
    const broken = mutant({
      gruBackward: (a) => {
        const before = a.dx!.slice();
        base.gruBackward(a);
        for (let i = 0; i < before.length; i++) a.dx![i] += before[i];
      },
    });
    await expect(checkAccumulation(broken, gruCase)).rejects.toThrow(/after two backward calls: dx/);
  });

  it('backward writing into the workspace it should only read', async () => {
    const broken = mutant({
      gruBackward: (a) => {
        base.gruBackward(a);
        a.workspace[0] += 1;
      },
    });
    await expect(checkAccumulation(broken, gruCase)).rejects.toThrow(/workspace of call _l0 was modified/);
  });

  it('finite differences catch a 10% error in one gradient without any reference', async () => {
    const broken = mutant({
      rnnBackward: (a) => {
        const before = a.dWIh.slice();
        base.rnnBackward(a);
        for (let i = 0; i < a.dWIh.length; i++) a.dWIh[i] = before[i] + (a.dWIh[i] - before[i]) * 1.1;
      },
    });
    const settings = { eps: FD_EPSILON, tolerance: FD_TOLERANCE, samplesPerTensor: FD_SAMPLES_PER_TENSOR };
    const good = randomNetwork(new Random(5), { cell: 'rnn', useBias: true });
    await expect(checkFiniteDifferences(base, good.spec, good.upstream, new Random(6), settings, 'good')).resolves.toBeGreaterThan(0);
    const bad = randomNetwork(new Random(5), { cell: 'rnn', useBias: true });
    await expect(checkFiniteDifferences(broken, bad.spec, bad.upstream, new Random(6), settings, 'broken')).rejects.toThrow(
      ClosenessError,
    );
  });

  it('gemm that ignores beta', async () => {
    const broken = mutant({ gemm: (a: GemmArgs) => base.gemm({ ...a, beta: 0 }) });
    const p = { M: 3, N: 4, K: 5, transA: false, transB: false, alpha: 1, beta: 1 };
    await expect(checkGemm(base, p, new Random(1), GEMM_TOLERANCE)).resolves.toBeUndefined();
    await expect(checkGemm(broken, p, new Random(1), GEMM_TOLERANCE)).rejects.toThrow(/gemm M=3 N=4 K=5/);
  });
});
