import type { Backend, LstmForwardArgs } from '@rnn/backend-api';
import { describe, expect, it } from 'vitest';
import { type ForwardCall, SYNC_CALL_MAX_FLOPS, asModelCall, runForward } from '../../src/cells/kernel-calls';

/** A backend that records where each LSTM forward ran: in place ('sync') or on its async kernels. */
function recordingBackend(): { backend: Backend; ran: string[] } {
  const ran: string[] = [];
  const backend = {
    lstmForward: () => void ran.push('sync'),
    async: { lstmForward: async () => void ran.push('async') },
  } as unknown as Backend;
  return { backend, ran };
}

const call = (T: number, H: number): ForwardCall => ({ cell: 'lstm', args: { T, B: 1, I: H, H } as LstmForwardArgs });
const SMALL = call(2, 4);
const LARGE = call(100, 128); // 2·100·4·128·256 > SYNC_CALL_MAX_FLOPS

describe('where kernel calls run', () => {
  it('a small call runs in place while one model call runs, a large one on the async kernels', async () => {
    expect(2 * 100 * 4 * 128 * 256).toBeGreaterThan(SYNC_CALL_MAX_FLOPS);
    const { backend, ran } = recordingBackend();
    await runForward(backend, SMALL);
    await asModelCall(() => runForward(backend, SMALL));
    await asModelCall(() => runForward(backend, LARGE));
    expect(ran).toEqual(['sync', 'sync', 'async']);
  });

  it('while several model calls run at once, small calls go to the async kernels too, so they can run side by side', async () => {
    const { backend, ran } = recordingBackend();
    const predict = () =>
      asModelCall(async () => {
        await Promise.resolve(); // like Sequential's `await this.ready()` before its first layer
        await runForward(backend, SMALL);
      });
    await Promise.all([predict(), predict(), predict()]);
    expect(ran).toEqual(['async', 'async', 'async']);
    await predict();
    expect(ran.at(-1)).toBe('sync');
  });
});
