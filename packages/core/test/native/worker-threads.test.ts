import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runTs } from '../../../../test-support/ts-child';
import { describeNative } from './load';

/**
 * The addon in several JS environments at once (fixtures/workers-train.ts, in a child process so
 * that a crash fails this test instead of the runner): four worker_threads and the main thread train
 * and predict at the same time on native, each exactly as the same seeded run alone; workers
 * terminated mid-call leave nothing behind in the scheduler, and the process stays healthy.
 */
const FIXTURE = fileURLToPath(new URL('./fixtures/workers-train.ts', import.meta.url));

describeNative('native calls from worker_threads', () => {
  it('4 workers and the main thread train at once; workers terminated mid-call leave nothing behind', async () => {
    const result = await runTs(FIXTURE, [], { env: { RNN_BACKEND: 'native' } });
    expect({ code: result.code, signal: result.signal }, result.stderr.slice(0, 2000)).toEqual({ code: 0, signal: null });
    const out = JSON.parse(result.stdout.trim().split('\n').pop()!) as {
      reference: string[];
      concurrent: string[][];
      terminated: string[];
      after: string;
      counts: { executors: number; slots: number; queued: number; running: number };
    };
    expect(out.concurrent.length).toBeGreaterThanOrEqual(1);
    for (const round of out.concurrent) expect(round).toEqual(out.reference);
    expect(out.after).toBe(out.reference[1]);
    expect(out.terminated.length).toBe(5);
    expect(out.counts).toMatchObject({ executors: 4, queued: 0, running: 0 });
    // A slot per call that ran at once: calls overlapped (within the fixture's rounds), and slots are
    // reused, not one per call made (at most the pool's threads plus the JS threads running calls in place).
    expect(out.counts.slots).toBeGreaterThanOrEqual(2);
    expect(out.counts.slots).toBeLessThanOrEqual(4 + 5 + 5);
  }, 300_000);
});
