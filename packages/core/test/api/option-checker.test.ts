import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors';
import { Dense } from '../../src/layers/dense';
import { Embedding } from '../../src/layers/embedding';
import { LSTM } from '../../src/layers/lstm';
import { Sequential } from '../../src/model/sequential';
import { checkNumber, checkOptions, describeBounds, describeValue, suggestNames } from '../../src/options';
import { Adam } from '../../src/train/optimizers';
import { linearData, smallModel } from '../model/fixtures';

describe('options a Keras or PyTorch user writes out of habit are rejected with the right name', () => {
  it('the spellings from the issue', async () => {
    const js = <T>(o: object): T => o as T;
    expect(() => new LSTM(js({ units: 8, return_sequences: true }))).toThrow(
      new ConfigError(
        "LSTM: unknown option 'return_sequences' (did you mean 'returnSequences'?); allowed options are returnSequences, returnState, " +
          'goBackwards, stateful, dropout, recurrentDropout, inputShape, name, units, activation, useBias, kernelInitializer, ' +
          'recurrentInitializer, biasInitializer, seed, recurrentActivation, unitForgetBias, peephole',
      ),
    );
    expect(() => new Dense(js({ units: 1, activaton: 'relu' }))).toThrow(/^Dense: unknown option 'activaton' \(did you mean 'activation'\?\)/);
    const model = new Sequential([new Dense({ units: 1, inputShape: [3] })]);
    expect(() => model.compile(js({ optimizer: 'adam', loss: 'mse', metric: ['mae'] }))).toThrow(/compile: unknown option 'metric' \(did you mean 'metrics'\?\)/);
    const { x, y } = linearData(4);
    await expect(smallModel(1).fit(x, y, js({ batch_size: 2 }))).rejects.toThrow(/^fit: unknown option 'batch_size' \(did you mean 'batchSize'\?\)/);
    await expect(smallModel(1).predict(x, js({ batch_size: 2 }))).rejects.toThrow(/^predict: unknown option 'batch_size' \(did you mean 'batchSize'\?\)/);
    expect(() => new Embedding(js({ inputDim: 5, outputDim: 2, mask_zero: true }))).toThrow(/unknown option 'mask_zero' \(did you mean 'maskZero'\?\)/);
    expect(() => new Adam(js({ lr: 0.1 }))).toThrow(/^Adam: unknown option 'lr' \(did you mean 'learningRate'\?\)/);
    expect(() => new Adam(js({ betas: [0.9, 0.99] }))).toThrow(/unknown option 'betas' \(did you mean 'beta1' and 'beta2'\?\)/);
    expect(() => new LSTM(js({ hidden_size: 8 }))).toThrow(/unknown option 'hidden_size' \(did you mean 'units'\?\)/);
  });

  it('lists every unknown key at once, and says when an owner takes no options', () => {
    expect(() => checkOptions('thing', { a: 1, colour: 2 }, ['color'])).toThrow(
      "thing: unknown options 'a', 'colour' (did you mean 'color'?); allowed options are color",
    );
    expect(() => checkOptions('thing', { a: 1 }, [])).toThrow("thing: unknown option 'a'; it takes no options");
    expect(() => checkOptions('thing', [1], [])).toThrow('thing: options must be an object, got [1]');
    expect(() => checkOptions('thing', null, [])).toThrow(ConfigError);
    expect(() => checkOptions('thing', undefined, [])).not.toThrow();
  });

  it('suggests nothing for a name that is not close', () => {
    expect(suggestNames('zzz', ['units', 'activation'])).toEqual([]);
    expect(suggestNames('unit', ['units', 'activation'])).toEqual(['units']);
    expect(suggestNames('LEARNING_RATE', ['learningRate'])).toEqual(['learningRate']);
  });
});

describe('describeValue and the value checks speak one message shape', () => {
  it('describes values briefly', () => {
    expect(describeValue('abc')).toBe("'abc'");
    expect(describeValue([2, 3])).toBe('[2, 3]');
    expect(describeValue(new Array(20).fill(0))).toBe('an array of length 20');
    expect(describeValue(new Float32Array(20))).toBe('a Float32Array of length 20');
    expect(describeValue({ a: 1, b: 2 })).toBe('an object with keys a, b');
    expect(describeValue(new Map())).toBe('a Map');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(NaN)).toBe('NaN');
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue(10n)).toBe('10n');
    expect(describeValue('x'.repeat(100))).toHaveLength(60);
  });

  it('states bounds the way a reader says them', () => {
    expect(describeBounds({ integer: true, min: 1 })).toBe('a positive integer');
    expect(describeBounds({ integer: true, min: 0 })).toBe('a non-negative integer');
    expect(describeBounds({ min: 0, below: 1 })).toBe('a number in [0, 1)');
    expect(describeBounds({ above: 0 })).toBe('a number > 0');
    expect(describeBounds({})).toBe('a finite number');
    expect(() => checkNumber('Owner', 'rate', Infinity, { min: 0 })).toThrow(new ConfigError('Owner: rate must be a number >= 0, got Infinity'));
  });
});
