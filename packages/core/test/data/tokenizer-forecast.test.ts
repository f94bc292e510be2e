import { describe, expect, it } from 'vitest';
import { ConfigError, DataError, ShapeError } from '../../src/errors';
import { Tensor } from '../../src/tensor';
import { CharTokenizer } from '../../src/data/char-tokenizer';
import { forecast } from '../../src/data/forecast';

describe('CharTokenizer', () => {
  it('reserves 0 for padding and numbers sorted characters from 1', () => {
    const t = new CharTokenizer().fit(['bca', 'ab']);
    expect(t.vocabulary).toEqual(['a', 'b', 'c']);
    expect(t.vocabSize).toBe(4);
    expect(t.encode('cab')).toEqual([3, 1, 2]);
    expect(t.decode([0, 0, 3, 1, 2])).toBe('cab');
  });

  it('frames texts with start/end ids and skips them when decoding', () => {
    const t = new CharTokenizer({ startToken: true, endToken: true, lowercase: true }).fit('Ana');
    expect([t.startId, t.endId, t.vocabSize]).toEqual([1, 2, 5]);
    expect(t.encode('NaN')).toEqual([1, 4, 3, 4, 2]);
    expect(t.decode(t.encode('anna'))).toBe('anna');
  });

  it('keeps characters outside the BMP as one token', () => {
    const t = new CharTokenizer().fit('a😀');
    expect(t.encode('😀a')).toEqual([2, 1]);
  });

  it('round-trips through JSON', () => {
    const t = new CharTokenizer({ endToken: true }).fit(['zoe', 'amy']);
    const back = CharTokenizer.fromJSON(JSON.parse(JSON.stringify(t)));
    expect(back.encode('mazy')).toEqual(t.encode('mazy'));
    expect(back.vocabSize).toBe(t.vocabSize);
  });

  it('fails clearly on unknown characters, bad ids and malformed JSON', () => {
    const t = new CharTokenizer().fit('ab');
    expect(() => t.encode('abc')).toThrow(/character "c" in "abc" was not in the fitted vocabulary/);
    expect(() => t.decode([3])).toThrow(/ids in \[0, 3\), got 3/);
    expect(() => new CharTokenizer().encode('a')).toThrow(/before fit/);
    expect(() => CharTokenizer.fromJSON({ type: 'CharTokenizer', chars: ['a', 'a'], startToken: false, endToken: false, lowercase: false })).toThrow(DataError);
  });

  it('names an argument of the wrong kind, never a TypeError or a silent empty text', () => {
    const t = new CharTokenizer().fit('ab');
    const untyped = (run: () => unknown) => expect(run).toThrow(DataError);
    expect(() => t.encode(123 as unknown as string)).toThrow(new DataError('CharTokenizer.encode expected a string, got 123'));
    for (const bad of [undefined, null, ['a']]) untyped(() => t.encode(bad as unknown as string));
    expect(() => t.decode(5 as unknown as number[])).toThrow(new DataError('CharTokenizer.decode expected an array of ids, got 5'));
    untyped(() => t.decode(null as unknown as number[]));
    expect(t.decode(Float32Array.of(1, 2))).toBe('ab');
    expect(() => new CharTokenizer().fit(['ab', null as unknown as string])).toThrow(new DataError('CharTokenizer.fit expected strings, got null at index 1'));
    expect(() => new CharTokenizer().fit([1, 2] as unknown as string[])).toThrow(/expected strings, got 1 at index 0/);
    for (const bad of [null, 123, undefined]) untyped(() => new CharTokenizer().fit(bad as unknown as string));
  });
});

describe('forecast', () => {
  // A stand-in model: predicts the mean of its window plus one, so the feedback is checkable by hand.
  const model = {
    calls: [] as number[][],
    async predict(x: Tensor): Promise<Tensor> {
      this.calls.push(Array.from(x.data));
      const mean = x.data.reduce((a, b) => a + b, 0) / x.size;
      return new Tensor(Float32Array.from([mean + 1]), [1, 1]);
    },
  };

  it('feeds each prediction back as the newest input', async () => {
    model.calls = [];
    const out = await forecast(model, [0, 1, 2, 3], 3, { window: 2 });
    expect(model.calls).toEqual([[2, 3], [3, 3.5], [3.5, 4.25]]);
    expect(out).toEqual([3.5, 4.25, 4.875]);
  });

  it('rejects short history and bad steps', async () => {
    await expect(forecast(model, [1], 2, { window: 3 })).rejects.toThrow(DataError);
    await expect(forecast(model, [1], 0)).rejects.toThrow(ConfigError);
  });

  it('names an empty or missing history', async () => {
    await expect(forecast(model, [], 2)).rejects.toThrow(new DataError('forecast expected the recent history as an array of numbers, got an empty array'));
    await expect(forecast(model, null as unknown as number[], 2)).rejects.toThrow(/got null/);
  });

  it('refuses a model that returns sequences, which it would read at their first step', async () => {
    const sequences = { predict: async (x: Tensor) => new Tensor(x.data.slice(), [1, x.size, 1]) };
    await expect(forecast(sequences, [1, 2, 3], 2)).rejects.toThrow(new ShapeError('forecast expected the model to return [1, k] for one window, got [1, 3, 1]'));
  });
});
