import { describe, expect, it } from 'vitest';
import { FormatError, UnsupportedError } from '../../src/errors';
import { kerasLayer, type LayerContext } from '../../src/interop/keras/keras-layers';
import { kerasMajor, parseModelConfig } from '../../src/interop/keras/model-config';
import { toSnakeCase } from '../../src/interop/keras/variables';

const what = 'importKeras(test)';
const ctx: LayerContext = { what, kerasMajor: 3, inputShape: [5, 3], masked: false };
const lstm = (config: Record<string, unknown>) => ({ className: 'LSTM', name: 'lstm', config: { name: 'lstm', units: 4, ...config } });

describe('Keras configs: what maps, what is refused and why', () => {
  it("names layers by Keras's to_snake_case", () => {
    // The expected names are Python's re.sub output for keras/src/utils/naming.py's to_snake_case.
    expect(['LSTM', 'GRU', 'SimpleRNN', 'Bidirectional', 'Dense', 'Embedding', 'Conv1D', 'TimeDistributed'].map(toSnakeCase)).toEqual([
      'lstm', 'gru', 'simple_rnn', 'bidirectional', 'dense', 'embedding', 'conv1d', 'time_distributed',
    ]);
  });

  it.each([
    [lstm({ kernel_regularizer: { class_name: 'L2' } }), /sets kernel_regularizer, which @rnn has no equivalent for/],
    [lstm({ recurrent_constraint: { class_name: 'MaxNorm' } }), /sets recurrent_constraint/],
    [lstm({ return_state: true }), /return_state/],
    [lstm({ time_major: true }), /time_major/],
    [lstm({ activation: 'softsign' }), /activation "softsign"; recurrent layers take/],
    [{ className: 'Masking', name: 'masking', config: { name: 'masking', mask_value: 0 } }, /\(Masking\) is not a layer importKeras can build/],
    [{ className: 'Dense', name: 'dense', config: { name: 'dense', units: 2, activation: 'exponential' } }, /activation "exponential"/],
    [{ className: 'Dense', name: 'dense', config: { name: 'dense', units: 2, activation: 'linear', lora_rank: 4 } }, /lora_rank/],
    [{ className: 'Dropout', name: 'dropout', config: { name: 'dropout', rate: 0.5, noise_shape: [null, 1, 3] } }, /noise_shape/],
    [{ className: 'Bidirectional', name: 'bi', config: { name: 'bi', merge_mode: null, layer: lstm({}) } }, /merge_mode null/],
    [
      { className: 'Bidirectional', name: 'bi', config: { name: 'bi', merge_mode: 'concat', layer: { class_name: 'LSTM', config: { name: 'forward_lstm', units: 4 } }, backward_layer: { class_name: 'LSTM', config: { name: 'backward_lstm', units: 5, go_backwards: true } } } },
      /backward_layer configured differently/,
    ],
  ])('%#: UnsupportedError', (spec, message) => {
    expect(() => kerasLayer(spec as never, ctx)).toThrow(UnsupportedError);
    expect(() => kerasLayer(spec as never, ctx)).toThrow(message);
  });

  it("refuses Keras 2's hard_sigmoid and leaky_relu, takes Keras 3's", () => {
    expect(() => kerasLayer(lstm({ recurrent_activation: 'hard_sigmoid' }), { ...ctx, kerasMajor: 2 })).toThrow(/Keras 2's hard_sigmoid/);
    expect(kerasLayer(lstm({ recurrent_activation: 'hard_sigmoid' }), ctx).getConfig()).toMatchObject({ recurrentActivation: 'hardSigmoid' });
    const dense = { className: 'Dense', name: 'dense', config: { name: 'dense', units: 2, activation: 'leaky_relu' } };
    expect(() => kerasLayer(dense, { ...ctx, kerasMajor: 2 })).toThrow(/Keras 2's leaky_relu/);
    expect(kerasLayer(dense, ctx).getConfig()).toMatchObject({ activation: 'leakyRelu' });
  });

  it('zero_output_for_mask is refused only where a mask reaches a plain recurrent layer', () => {
    expect(() => kerasLayer(lstm({ zero_output_for_mask: true, return_sequences: true }), { ...ctx, masked: true })).toThrow(/zero_output_for_mask/);
    expect(() => kerasLayer(lstm({ zero_output_for_mask: true, return_sequences: true }), ctx)).not.toThrow();
  });

  it('reads the input shape from an InputLayer, Keras 2 batch_input_shape or the build shape', () => {
    const layers = [{ class_name: 'LSTM', config: { name: 'lstm', units: 4 } }];
    const k3 = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'InputLayer', config: { name: 'in', batch_shape: [null, 7, 2] } }, ...layers] } };
    expect(parseModelConfig(k3, 3, what).inputShape).toEqual([7, 2]);
    const k2 = { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'LSTM', config: { name: 'lstm', units: 4, batch_input_shape: [null, null, 2] } }] } };
    expect(parseModelConfig(k2, 2, what).inputShape).toEqual([null, 2]);
    const built = { class_name: 'Sequential', config: { name: 's', layers, build_input_shape: [null, 3, 1] } };
    expect(parseModelConfig(built, 3, what).inputShape).toEqual([3, 1]);
    expect(() => parseModelConfig({ class_name: 'Sequential', config: { name: 's', layers } }, 3, what)).toThrow(/gives no input shape/);
    expect(() => parseModelConfig({ class_name: 'Sequential', config: { layers: [] } }, 3, what)).toThrow(FormatError);
    expect(() => parseModelConfig([], 3, what)).toThrow(/the model config is not a JSON object/);
  });

  it('reads keras_version: 2 and 3 load, Keras 1 is refused, garbage is a FormatError', () => {
    expect([kerasMajor('3.16.0', 2, what), kerasMajor('2.15.0', 3, what), kerasMajor(undefined, 3, what)]).toEqual([3, 2, 3]);
    expect(() => kerasMajor('1.2.2', 2, what)).toThrow(UnsupportedError);
    expect(() => kerasMajor(7, 2, what)).toThrow(FormatError);
  });
});
