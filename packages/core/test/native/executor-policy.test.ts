import { readFileSync, readdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeNative, nativeBinding } from './load';

/**
 * The pool's executors run as SCHED_BATCH on Linux (native/README.md, "Runtime"): a woken executor
 * does not preempt the event loop that queued its call, so an async kernel call returns to
 * JavaScript at once instead of after a time slice. Checked through the threads' scheduling
 * policies in /proc (field 41 of a task's stat: 0 normal, 3 batch), not through timing: the main
 * thread stays normal, and the executors, which exist once a call has run, are batch.
 */
const SCHED_NORMAL = 0;
const SCHED_BATCH = 3;

/** Scheduling policy of each thread of this process, by thread id. */
function threadPolicies(): Map<number, number> {
  const policies = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // Fields after the command name (in parentheses, which may contain spaces): field 3 onwards.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    policies.set(Number(tid), Number(fields[41 - 3]));
  }
  return policies;
}

describeNative('pool executors yield wake-ups to the event loop', () => {
  it.runIf(process.platform === 'linux')('executors are SCHED_BATCH, the main thread is not', async () => {
    const binding = nativeBinding!;
    const c = new Float32Array(4);
    await binding.gemmAsync({ c, a: new Float32Array(4), b: new Float32Array(4), M: 2, N: 2, K: 2, transA: false, transB: false, alpha: 1, beta: 0 });
    // An executor sets its policy as its thread's first act; a thread the call did not need may not
    // have been scheduled yet (the pool starts them detached), so wait for every one to start.
    const batchThreads = (policies: Map<number, number>) => [...policies.values()].filter((p) => p === SCHED_BATCH).length;
    for (let tries = 0; tries < 200 && batchThreads(threadPolicies()) < binding.getNumThreads(); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const policies = threadPolicies();
    expect(policies.get(process.pid)).toBe(SCHED_NORMAL);
    expect(batchThreads(policies)).toBeGreaterThanOrEqual(binding.getNumThreads());
  });
});
