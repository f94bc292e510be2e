import {
  KernelArgumentError,
  KernelBufferError,
  type KernelIssue,
  type KernelName,
  type KernelProblem,
} from '@rnn/backend-api';
import { expect, it } from 'vitest';
import { nativeError } from '../../src/backend/native-backend';
import { validateKernelArgs } from '../../src/backend/validate';
import { Random } from '../../src/random';
import { brokenCall } from './broken-calls';
import { describeNative, nativeBinding } from './load';
import { BINDING_FUNCTIONS } from './valid-args';

/**
 * Core's validator (a walk over the contract tables in TypeScript) and the addon's reader (a walk
 * over the same tables, embedded in C++ at build time) must give every call the same verdict: both
 * accept it, or both reject it naming the same field and problem, with the same message and the
 * corresponding error class (and, through core's native backend, the same RnnError class). 1,000
 * seeded broken calls per kernel, each fed to the sync and the Async export.
 */
const CALLS = 1000;

interface Verdict {
  ok: boolean;
  issue?: KernelIssue;
  message?: string;
  buffer?: boolean;
}

function validatorVerdict(kernel: KernelName, args: unknown): Verdict {
  try {
    validateKernelArgs(kernel, args as never);
    return { ok: true };
  } catch (error) {
    if (!(error instanceof KernelBufferError) && !(error instanceof KernelArgumentError)) throw error;
    return { ok: false, issue: { ...error.issue }, message: error.message, buffer: error instanceof KernelBufferError };
  }
}

/** The addon's verdict, and the error core's native backend turns its error into. */
async function addonVerdict(call: () => unknown): Promise<Verdict & { mapped?: unknown }> {
  try {
    await call();
    return { ok: true };
  } catch (error) {
    const e = error as { issue?: KernelIssue; message: string; code?: string };
    if (e.issue === undefined) throw error;
    return { ok: false, issue: { ...e.issue }, message: e.message, buffer: e.code === 'RNN_KERNEL_BUFFER', mapped: nativeError(error) };
  }
}

describeNative('the addon and core validate kernel arguments alike', () => {
  const binding = nativeBinding as unknown as Record<string, (args: unknown) => unknown>;

  for (const fn of BINDING_FUNCTIONS) {
    it(`${fn}: ${CALLS} seeded calls get the same verdict from both (sync and Async)`, async () => {
      const rng = new Random(fn.length * 104729 + fn.charCodeAt(0) * 31 + fn.charCodeAt(3));
      const disagreements: string[] = [];
      const problems = new Set<KernelProblem>();
      let accepted = 0;
      for (let i = 0; i < CALLS; i++) {
        const args = brokenCall(rng, fn);
        const expected = validatorVerdict(fn, args);
        const sync = await addonVerdict(() => binding[fn](args));
        const async = await addonVerdict(() => binding[`${fn}Async`](args));
        const { mapped, ...syncVerdict } = sync;
        const { mapped: _mappedAsync, ...asyncVerdict } = async;
        const asyncExpected = expected.ok ? expected : { ...expected, message: expected.message!.replace(`${fn}: `, `${fn}Async: `) };
        if (JSON.stringify(syncVerdict) !== JSON.stringify(expected)) {
          disagreements.push(`call ${i}: validator ${JSON.stringify(expected)}\n  addon ${JSON.stringify(syncVerdict)}`);
        } else if (JSON.stringify(asyncVerdict) !== JSON.stringify(asyncExpected)) {
          disagreements.push(`call ${i} (Async): validator ${JSON.stringify(asyncExpected)}\n  addon ${JSON.stringify(asyncVerdict)}`);
        } else if (!expected.ok) {
          const cls = expected.buffer ? KernelBufferError : KernelArgumentError;
          if (!(mapped instanceof cls) || (mapped as Error).message !== expected.message) {
            disagreements.push(`call ${i}: core's native backend maps the addon's error to ${String(mapped)}`);
          }
        }
        if (expected.ok) accepted++;
        else problems.add(expected.issue!.problem);
      }
      expect(disagreements.slice(0, 3)).toEqual([]);
      // The calls reach both verdicts and most rules (pairs exist only where the kernel has them).
      expect(accepted).toBeGreaterThan(20);
      expect(problems.size).toBeGreaterThanOrEqual(fn === 'gemm' ? 9 : 10);
    });
  }
});
