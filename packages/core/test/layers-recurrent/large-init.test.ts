import { afterEach, describe, expect, it, vi } from 'vitest';
import { dropInitialization, initializationPending } from '../../src/init/background-init';
import { initialize } from '../../src/init/initializers';
import { getAttachment } from '../../src/io/attachments';
import { loadModel } from '../../src/io/load';
import { Dense } from '../../src/layers/dense';
import { GRU } from '../../src/layers/gru';
import { LSTM } from '../../src/layers/lstm';
import { transpose2d } from '../../src/layers/sequence-layout';
import { Sequential } from '../../src/model/sequential';
import { Random } from '../../src/random';
import { tempDir } from '../../../../test-support/temp-dirs';

// LSTM(220): Gram–Schmidt on A [880, 220] is 4.3e7 multiply-adds, above the 2^25 from which the
// orthogonalisation runs on a worker thread; small enough to also compute here for comparison.
const H = 220;

afterEach(() => vi.restoreAllMocks());

/** Counts the normal and uniform draws made on this thread while `run` runs. */
function countDraws<T>(run: () => T): { result: T; draws: number } {
  const normal = vi.spyOn(Random.prototype, 'normal');
  const uniform = vi.spyOn(Random.prototype, 'uniform');
  const result = run();
  const draws = normal.mock.calls.length + uniform.mock.calls.length;
  normal.mockRestore();
  uniform.mockRestore();
  return { result, draws };
}

describe('Random.skipNormals', () => {
  it('leaves the generator exactly where drawing would, for any count, with or without a spare value', () => {
    for (const primed of [false, true]) {
      for (let count = 0; count < 9; count++) {
        const drawn = new Random(42);
        const skipped = new Random(42);
        if (primed) drawn.normal(), skipped.normal(); // leaves a spare normal behind
        for (let i = 0; i < count; i++) drawn.normal();
        skipped.skipNormals(count);
        expect(skipped.getState(), `count ${count}, primed ${primed}`).toEqual(drawn.getState());
        expect(skipped.normal()).toBe(drawn.normal());
      }
    }
  });

  it('fromState continues a generator exactly', () => {
    const rng = new Random(7);
    rng.normal();
    const copy = Random.fromState(rng.getState());
    expect([copy.normal(), copy.next(), copy.normal()]).toEqual([rng.normal(), rng.next(), rng.normal()]);
  });
});

describe('large recurrent layers initialise off the event loop', () => {
  it('the orthogonal weight comes from a worker thread, bit for bit what the event loop computes; seeds hold', async () => {
    const model = new Sequential([new LSTM({ units: H, inputShape: [3, 2], biasInitializer: 'randomNormal' })], { seed: 5 });
    const cell = (model.layers[0] as LSTM).cell;
    expect(initializationPending([cell.weightHh!.value])).toBe(true);
    await model.ready();
    expect(initializationPending([cell.weightHh!.value])).toBe(false);
    // What the layer draws, in order, from its fork of the model's generator.
    const rng = new Random(5).fork();
    initialize('glorotUniform', [2, 4 * H], 2, 4 * H, rng);
    const expected = transpose2d(initialize('orthogonal', [H, 4 * H], H, 4 * H, rng), H, 4 * H);
    expect(Array.from(cell.weightHh!.value)).toEqual(Array.from(expected));
    // The generator moved on as if it had drawn: the bias drawn after it is the one it always was.
    expect(Array.from(cell.biasIh!.value)).toEqual(Array.from(initialize('randomNormal', [4 * H], 4 * H, 4 * H, rng)).map((v, i) => (i >= H && i < 2 * H ? 1 : v)));
  });

  it('an LSTM(4000) builds without drawing its 64 million normals or orthogonalising on the event loop', () => {
    const { result: model, draws } = countDraws(
      () => new Sequential([new LSTM({ units: 4000, inputShape: [10, 4] }), new Dense({ units: 1 })], { seed: 1 }),
    );
    const weightHh = (model.layers[0] as LSTM).cell.weightHh!.value;
    try {
      expect(initializationPending([weightHh])).toBe(true);
      // The input kernel (glorot, 4 × 16000 uniforms) and the Dense weight are drawn here; the
      // recurrent kernel's 64 million normal draws and its QR are not.
      expect(draws).toBeLessThan(4 * 16000 + 4000 + 10);
      expect(model.layers[0].countParams()).toBe(16000 * (4 + 4000 + 2)); // shapes need no values
      expect(model.summary(null)).toMatch(/64,?096,?000/);
    } finally {
      dropInitialization([weightHh]); // minutes of work nobody needs here
    }
  });

  it('synchronous accessors wait for the values; loadStateDict abandons the job', async () => {
    const waited = new Sequential([new GRU({ units: H, inputShape: [3, 2] })], { seed: 9 });
    const weights = waited.getWeights(); // blocks until the worker is done
    await waited.ready();
    expect(waited.getWeights()).toEqual(weights);
    expect(weights[1].some((v) => v !== 0)).toBe(true);

    const overwritten = new Sequential([new GRU({ units: H, inputShape: [3, 2] })], { seed: 9 });
    const dict = Object.fromEntries(Object.entries(waited.stateDict()).map(([k, t]) => [k, t]));
    overwritten.layers[0].loadStateDict(Object.fromEntries(Object.entries(dict).map(([k, t]) => [k.replace(/^0\./, ''), t])));
    expect(initializationPending([(overwritten.layers[0] as GRU).cell.weightHh!.value])).toBe(false);
    await overwritten.ready();
    expect(overwritten.getWeights()).toEqual(weights);
  });
});

describe('loading never initialises weights it then overwrites', () => {
  it('loadModel of a file declaring LSTM(1500) runs no initialiser', async () => {
    // Saved with zero initialisers (cheap to build), then declared with the default ones, which
    // would cost a 6000 × 1500 orthogonalisation if loadModel ran them.
    const dir = tempDir();
    const zeros = { kernelInitializer: 'zeros', recurrentInitializer: 'zeros' } as const;
    const original = new Sequential([new LSTM({ units: 1500, inputShape: [4, 3], ...zeros }), new Dense({ units: 1 })], { seed: 2 });
    await original.save(dir);
    const { readFileSync, writeFileSync } = await import('node:fs');
    const json = JSON.parse(readFileSync(`${dir}/model.json`, 'utf8'));
    json.architecture.layers[0].config.kernelInitializer = 'glorotUniform';
    json.architecture.layers[0].config.recurrentInitializer = 'orthogonal';
    json.attachments.marker = 'declared 1500';
    writeFileSync(`${dir}/model.json`, JSON.stringify(json));
    const normal = vi.spyOn(Random.prototype, 'normal');
    const uniform = vi.spyOn(Random.prototype, 'uniform');
    const model = await loadModel(dir);
    expect(normal).not.toHaveBeenCalled();
    expect(uniform).not.toHaveBeenCalled();
    expect(getAttachment(model, 'marker')).toBe('declared 1500');
    expect(initializationPending(model.layers[0].parameters().map((p) => p.value))).toBe(false);
    // Byte comparison: a deep equality over 9 million values would take minutes.
    const bytes = (ws: Float32Array[]): Buffer[] => ws.map((w) => Buffer.from(w.buffer, w.byteOffset, w.byteLength));
    const [loaded, saved] = [bytes(model.getWeights()), bytes(original.getWeights())];
    expect(loaded.length).toBe(saved.length);
    loaded.forEach((b, i) => expect(b.equals(saved[i])).toBe(true));
  });

  it('loadStateDict on an unbuilt layer builds it without initialising', () => {
    const source = new LSTM({ units: 6, inputShape: [4, 3] });
    source.build([4, 3], new Random(1));
    const target = new LSTM({ units: 6 });
    const { draws } = countDraws(() => target.loadStateDict(source.stateDict()));
    expect(draws).toBe(0);
    expect(target.stateDict()).toEqual(source.stateDict());
  });
});
