import { describe, expect, it } from 'vitest';
import { ConfigError, RnnError, ShapeError, StateDictError } from '../../src/errors';
import { Bidirectional } from '../../src/layers/bidirectional';
import { GRU } from '../../src/layers/gru';
import { LSTM } from '../../src/layers/lstm';
import { SimpleRNN } from '../../src/layers/simple-rnn';
import { Random } from '../../src/random';
import { Tensor } from '../../src/tensor';
import { backend, context, randomTensor } from './helpers';

describe('recurrent layer errors name the layer, what was expected and what came', () => {
  it('input of the wrong feature size, rank or step count is a ShapeError', async () => {
    const layer = new LSTM({ units: 4, inputShape: [null, 3], name: 'lstm_x' });
    await expect(layer.apply(randomTensor([8, 10, 4], 1), { backend })).rejects.toThrow(
      new ShapeError('lstm_x expected input [batch, steps, 3], got [8, 10, 4]'),
    );
    await expect(layer.apply(randomTensor([8, 3], 1), { backend })).rejects.toThrow(/lstm_x expected input \[batch, steps, 3\], got \[8, 3\]/);
    const fixed = new GRU({ units: 2, inputShape: [5, 3], name: 'gru_fixed' });
    await expect(fixed.apply(randomTensor([2, 4, 3], 1), { backend })).rejects.toThrow(/gru_fixed expected input \[batch, 5, 3\], got \[2, 4, 3\]/);
  });

  it('a mask of the wrong size, a wrong initial state, or a wrong dy is a ShapeError', async () => {
    const layer = new LSTM({ units: 4, name: 'lstm_m' });
    const x = randomTensor([2, 3, 5], 2);
    await expect(layer.apply(x, { backend, mask: new Float32Array(5) })).rejects.toThrow(
      /lstm_m expected a mask \[batch, steps\] = \[2, 3\] \(6 values\), got 5 values/,
    );
    await expect(layer.apply(x, { backend, initialState: [randomTensor([2, 4], 3)] })).rejects.toThrow(
      /lstm_m expected initialState \[h, c\] \(2 tensors\), got 1/,
    );
    await expect(layer.apply(x, { backend, initialState: [randomTensor([2, 4], 3), randomTensor([2, 3], 3)] })).rejects.toThrow(
      /lstm_m expected initialState\[1\] \(c\) \[2, 4\], got \[2, 3\]/,
    );
    await layer.apply(x, { backend, training: true });
    await expect(layer.backward(randomTensor([2, 3, 4], 4), context(true))).rejects.toThrow(
      new ShapeError('lstm_m.backward expected dy [2, 4], got [2, 3, 4]'),
    );
  });

  it('backward without a training forward is an RnnError saying what to do', async () => {
    const layer = new GRU({ units: 2, name: 'gru_b' });
    await layer.apply(randomTensor([1, 2, 3], 5), { backend });
    await expect(layer.backward(randomTensor([1, 2], 6), context(true))).rejects.toThrow(RnnError);
    await expect(layer.backward(randomTensor([1, 2], 6), context(true))).rejects.toThrow(/gru_b\.backward needs a training forward first/);
  });

  it('bad options are ConfigErrors naming the layer and the option', () => {
    expect(() => new LSTM({ units: 0, name: 'l0' })).toThrow(new ConfigError('l0: units must be a positive integer, got 0'));
    expect(() => new GRU({ units: 1.5, name: 'g0' })).toThrow(/g0: units must be a positive integer, got 1.5/);
    expect(() => new SimpleRNN({ units: '8' as never, name: 's0' })).toThrow(/s0: units must be a positive integer, got '8'/);
    expect(() => new LSTM({ units: 2, dropout: 1, name: 'l1' })).toThrow(/l1: dropout must be a number in \[0, 1\), got 1/);
    expect(() => new LSTM({ units: 2, recurrentDropout: -0.1, name: 'l2' })).toThrow(/l2: recurrentDropout must be a number in \[0, 1\)/);
    expect(() => new GRU({ units: 2, returnSequences: 'yes' as never, name: 'g1' })).toThrow(/g1: returnSequences must be true or false, got 'yes'/);
    expect(() => new GRU({ units: 2, inputShape: [3] as never, name: 'g2' })).toThrow(/g2: inputShape must be \[steps \| null, features\]/);
    expect(() => new SimpleRNN({ units: 2, activation: 'gelu' as never, name: 's1' })).toThrow(
      /s1: activation must be one of 'tanh', 'sigmoid', 'relu', 'linear', 'hardSigmoid', got 'gelu'/,
    );
    // A seed outside [0, 2^32) would alias one inside it (3 and 2^32 + 3 gave the same weights).
    for (const seed of [-1, 2 ** 32 + 3, 1.5]) {
      expect(() => new LSTM({ units: 2, seed, name: 'l' }), String(seed)).toThrow(new RegExp(`^l: seed must be an integer .*, got ${seed}$`));
      expect(() => new Bidirectional({ layer: new LSTM({ units: 2 }), seed, name: 'bi' }), String(seed)).toThrow(/^bi: seed must be an integer/);
      expect(() => new Random(seed), String(seed)).toThrow(/^Random: seed must be an integer/);
    }
    expect(() => new Random('abc' as unknown as number)).toThrow(ConfigError);
    expect(() => new Bidirectional(new LSTM({ units: 2, name: 'inner' }) as never)).toThrow(
      new ConfigError('Bidirectional expected options { layer: … }, got the layer inner itself; write new Bidirectional({ layer: … })'),
    );
    // null is Keras's merge_mode=None (the two outputs apart), not the default.
    expect(() => new Bidirectional({ layer: new LSTM({ units: 2 }), mergeMode: null as never, name: 'bi' })).toThrow(
      /bi: mergeMode must be one of 'concat', 'sum', 'ave', 'mul', got null/,
    );
    expect(() => new Bidirectional({ layer: new LSTM({ units: 2 }), mergeMode: 'max' as never, name: 'bi' })).toThrow(
      /bi: mergeMode must be one of 'concat', 'sum', 'ave', 'mul', got 'max'/,
    );
    expect(() => new Bidirectional({ layer: {} as never, name: 'bi2' })).toThrow(/bi2: layer must be a SimpleRNN, LSTM or GRU layer/);
  });
});

describe('state dicts', () => {
  it('use PyTorch names and shapes; Bidirectional adds *_reverse', () => {
    const layer = new Bidirectional({ layer: new LSTM({ units: 2, peephole: true }), inputShape: [null, 3] });
    layer.build([null, 3], new Random(1));
    const shapes = Object.fromEntries(Object.entries(layer.stateDict()).map(([k, v]) => [k, v.shape]));
    expect(shapes).toEqual({
      weight_ih_l0: [8, 3],
      weight_hh_l0: [8, 2],
      bias_ih_l0: [8],
      bias_hh_l0: [8],
      peephole_l0: [6],
      weight_ih_l0_reverse: [8, 3],
      weight_hh_l0_reverse: [8, 2],
      bias_ih_l0_reverse: [8],
      bias_hh_l0_reverse: [8],
      peephole_l0_reverse: [6],
    });
    expect(layer.parameters().map((p) => p.name)).toEqual(Object.keys(shapes));
    // The two directions are initialised differently.
    expect(Array.from(layer.stateDict().weight_ih_l0.data)).not.toEqual(Array.from(layer.stateDict().weight_ih_l0_reverse.data));
  });

  it('round-trip through another layer (nested arrays or Tensors) and give the same outputs', async () => {
    const a = new GRU({ units: 3, returnSequences: true, seed: 1 });
    const x = randomTensor([2, 4, 2], 7);
    const outA = await a.apply(x, { backend });
    const nested = Object.fromEntries(Object.entries(a.stateDict()).map(([k, v]) => [k, v.toArray()]));
    const b = new GRU({ units: 3, returnSequences: true, seed: 2 });
    b.loadStateDict(nested); // unbuilt: builds from weight_ih_l0's shape
    expect(Array.from((await b.apply(x, { backend })).output.data)).toEqual(Array.from(outA.output.data));
    const c = new GRU({ units: 3, returnSequences: true, seed: 3 });
    c.loadStateDict(a.stateDict());
    expect(Array.from((await c.apply(x, { backend })).output.data)).toEqual(Array.from(outA.output.data));
  });

  it('missing, extra and wrongly shaped keys are StateDictErrors naming the key and the shapes; nothing is loaded', () => {
    const layer = new LSTM({ units: 2, inputShape: [null, 3], name: 'lstm_sd' });
    layer.build([null, 3], new Random(1));
    const good = layer.stateDict();
    const before = Array.from(layer.parameters()[0].value);
    const { bias_hh_l0: _drop, ...missing } = good;
    expect(() => layer.loadStateDict(missing)).toThrow(
      new StateDictError("lstm_sd.loadStateDict: missing key 'bias_hh_l0' (expected shape [8])"),
    );
    expect(() => layer.loadStateDict({ ...good, weight_ih_l1: good.weight_ih_l0 })).toThrow(/lstm_sd\.loadStateDict: unexpected key 'weight_ih_l1'/);
    const zeros = new Tensor(new Float32Array(8 * 4), [8, 4]);
    expect(() => layer.loadStateDict({ ...good, weight_ih_l0: zeros })).toThrow(
      new StateDictError("lstm_sd.loadStateDict: key 'weight_ih_l0' expected shape [8, 3], got [8, 4]"),
    );
    expect(() => layer.loadStateDict({ ...good, weight_hh_l0: [[1, 2], [3]] })).toThrow(/key 'weight_hh_l0' \(expected shape \[8, 2\]\) is unusable/);
    expect(Array.from(layer.parameters()[0].value)).toEqual(before);
  });

  it('getConfig rebuilds an equivalent layer', async () => {
    const layer = new LSTM({ units: 3, returnSequences: true, goBackwards: true, peephole: true, dropout: 0.1, inputShape: [4, 2], seed: 5, name: 'cfg' });
    const config = layer.getConfig();
    expect(config).toMatchObject({ name: 'cfg', units: 3, returnSequences: true, goBackwards: true, peephole: true, dropout: 0.1, inputShape: [4, 2], seed: 5 });
    const copy = new LSTM(config as never);
    const x = randomTensor([1, 4, 2], 8);
    expect(Array.from((await copy.apply(x, { backend })).output.data)).toEqual(Array.from((await layer.apply(x, { backend })).output.data));
    expect(copy.computeOutputShape([4, 2])).toEqual([4, 3]);
    expect(new GRU({ units: 5 }).computeOutputShape([null, 2])).toEqual([5]);
    expect(new Bidirectional({ layer: new GRU({ units: 5, returnSequences: true }) }).computeOutputShape([7, 2])).toEqual([7, 10]);
  });
});

describe('Bidirectional input checks', () => {
  it('name the wrapper, the expected and the actual shape', async () => {
    const layer = new Bidirectional({ layer: new GRU({ units: 2 }), inputShape: [4, 3], name: 'bi_in' });
    await expect(layer.apply(randomTensor([2, 5, 3], 1), { backend })).rejects.toThrow(
      new ShapeError('bi_in expected input [batch, 4, 3], got [2, 5, 3]'),
    );
    await expect(layer.apply(randomTensor([2, 4, 2], 1), { backend })).rejects.toThrow(/bi_in expected input \[batch, 4, 3\], got \[2, 4, 2\]/);
    await expect(layer.apply(randomTensor([2, 4, 3], 1), { backend, initialState: [randomTensor([2, 2], 1)] })).rejects.toThrow(
      /bi_in expected initialState of 2 tensors \(forward then backward\), got 1/,
    );
  });
});
