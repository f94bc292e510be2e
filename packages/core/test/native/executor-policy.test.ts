import { readFileSync, readdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import { SPLIT_EVERYTHING, describeNative, nativeBinding } from './load';
import { validArgs } from './valid-args';

/**
 * The pool's executors run as SCHED_BATCH on Linux (native/README.md, "Runtime"): a woken executor
 * does not preempt the event loop that queued its call, so an async kernel call returns to
 * JavaScript at once instead of after a time slice. Checked through the threads' scheduling
 * policies in /proc (field 41 of a task's stat: 0 normal, 3 batch), not through timing: the main
 * thread stays normal, and the executors, which exist once a call has run, are batch.
 */
const SCHED_NORMAL = 0;
const SCHED_BATCH = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
      await sleep(10);
    }
    const policies = threadPolicies();
    expect(policies.get(process.pid)).toBe(SCHED_NORMAL);
    expect(batchThreads(policies)).toBeGreaterThanOrEqual(binding.getNumThreads());
  });
});

/**
 * An executor that has run kernel work watches for the next work for up to 1 ms before it sleeps
 * (native/README.md, "Runtime"). Checked through the process's CPU time, not through speed: after
 * async and sync calls whose splits ran on executors, an idle stretch of 300 ms costs next to no
 * CPU. A watch that never ended would spend most of that stretch on a core, per executor.
 */
describeNative('idle executors stop watching for work', () => {
  it('after calls that split, an idle process uses almost no CPU', async () => {
    const binding = nativeBinding!;
    const before = { threads: binding.getNumThreads(), thresholds: binding.splitThresholds() };
    try {
      binding.setNumThreads(2);
      binding.setSplitThresholds({ ...SPLIT_EVERYTHING, splitBeyondCpus: false });
      const args = validArgs('lstmForward', 20, 8, 8, 16);
      for (let i = 0; i < 20; i++) await binding.lstmForwardAsync(args);
      binding.lstmForward(args);
      await sleep(20);
      const start = process.cpuUsage();
      await sleep(300);
      const used = process.cpuUsage(start);
      const cpuMs = (used.user + used.system) / 1000;
      expect(cpuMs, `CPU time over 300 ms of idle: ${cpuMs.toFixed(1)} ms`).toBeLessThan(100);
    } finally {
      binding.setNumThreads(before.threads);
      binding.setSplitThresholds(before.thresholds);
    }
  });
});
