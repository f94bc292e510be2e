import type { LstmForwardArgs } from '@rnn/backend-api';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { describeNative } from './load';

/**
 * Async kernel calls waiting for a kernel slot must not hold libuv's worker threads (four by
 * default), or fs, dns and crypto starve behind them. With 16 inference calls in flight, a file
 * read issued after them must complete while most of them still wait. Asserted on the order of
 * completions, not on milliseconds: each call takes tens of milliseconds of kernel time, the read
 * four tiny fs operations, so only a read queued behind the kernels (as when they held libuv's
 * threads: 12–13 of 16 finished first) can lose by more than a couple of calls, however loaded
 * the machine is.
 */
const CALLS = 16;
const [T, B, I, H] = [50, 64, 64, 256];

function inferenceArgs(): LstmForwardArgs {
  const filled = (n: number, v: number) => new Float32Array(n).fill(v);
  return {
    y: filled(T * B * H, 0), hT: filled(B * H, 0), cT: filled(B * H, 0), workspace: null,
    x: filled(T * B * I, 0.5), h0: null, c0: null, mask: null, wIh: filled(4 * H * I, 0.01), wHh: filled(4 * H * H, 0.01),
    bIh: null, bHh: null, recurrentMask: null, peephole: null, reverse: false, batchFirst: false, activation: 'tanh',
    recurrentActivation: 'sigmoid', T, B, I, H,
  };
}

describeNative('libuv threads while kernel calls queue', (backend) => {
  it(`an fs read completes while most of ${CALLS} async predictions still wait`, async () => {
    const kernels = backend.async!;
    let finished = 0;
    const argsList = Array.from({ length: CALLS }, inferenceArgs);
    const calls = argsList.map((args) => kernels.lstmForward(args).then(() => finished++));
    await readFile(fileURLToPath(import.meta.url));
    const finishedBeforeRead = finished;
    await Promise.all(calls);
    expect(finished).toBe(CALLS);
    expect(finishedBeforeRead).toBeLessThan(CALLS / 2);
  });
});
