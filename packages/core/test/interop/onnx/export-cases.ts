import type { ActivationName } from '@rnn/backend-api';
import { DENSE_ACTIVATION_NAMES, type DenseActivationName } from '../../../src/layers/activations';
import { Bidirectional, MERGE_MODES, type MergeMode } from '../../../src/layers/bidirectional';
import { Dense } from '../../../src/layers/dense';
import { Dropout } from '../../../src/layers/dropout';
import { Embedding } from '../../../src/layers/embedding';
import { GRU } from '../../../src/layers/gru';
import type { Layer } from '../../../src/layers/layer';
import { LSTM } from '../../../src/layers/lstm';
import type { RecurrentLayer } from '../../../src/layers/recurrent-layer';
import type { RecurrentLayerOptions } from '../../../src/layers/recurrent-options';
import { SimpleRNN } from '../../../src/layers/simple-rnn';
import { Sequential } from '../../../src/model/sequential';
import type { InputKind } from './helpers';

/**
 * The export test matrix: every layer kind and option the exporter handles, as small seeded models.
 * The ONNX Runtime parity test runs each one, the checker test validates each one at every opset.
 */
export interface ExportCase {
  name: string;
  input: InputKind;
  make: () => Sequential;
}

const F = 3; // input features of float models
const VOCAB = 11;
const floats: InputKind = { kind: 'float', features: F };
const ids: InputKind = { kind: 'ids', vocab: VOCAB };

type Kind = 'lstm' | 'gru' | 'rnn';
const make: Record<Kind, (o: RecurrentLayerOptions & Record<string, unknown>) => RecurrentLayer> = {
  lstm: (o) => new LSTM(o),
  gru: (o) => new GRU(o),
  rnn: (o) => new SimpleRNN(o),
};

/** A float-input model: `layers` then Dense(2), built for `[null, F]`, seeded. */
function floatModel(first: Layer, ...rest: Layer[]): Sequential {
  return new Sequential([first, ...rest], { seed: 11 });
}

/** An ids model: Embedding (optionally masking zeros) then `layers`. */
function idsModel(maskZero: boolean, ...layers: Layer[]): Sequential {
  return new Sequential([new Embedding({ inputDim: VOCAB, outputDim: 4, maskZero, inputShape: [null] }), ...layers], { seed: 13 });
}

const input = [null, F] as const;

function recurrentCases(): ExportCase[] {
  const cases: ExportCase[] = [];
  for (const activation of ['tanh', 'relu', 'sigmoid', 'linear', 'hardSigmoid'] as ActivationName[]) {
    cases.push({ name: `simple_rnn_${activation}`, input: floats, make: () => floatModel(new SimpleRNN({ units: 5, activation, returnSequences: true, inputShape: input }), new Dense({ units: 2 })) });
  }
  const variants: [string, Kind, Record<string, unknown>][] = [
    ['lstm', 'lstm', {}],
    ['lstm_peephole', 'lstm', { peephole: true }],
    ['lstm_no_bias_hard_sigmoid_gates', 'lstm', { useBias: false, recurrentActivation: 'hardSigmoid', activation: 'relu' }],
    ['gru_reset_after', 'gru', {}],
    ['gru_reset_before', 'gru', { resetAfter: false }],
    ['gru_no_bias_linear', 'gru', { useBias: false, activation: 'linear', recurrentActivation: 'hardSigmoid' }],
  ];
  for (const [name, kind, options] of variants) {
    cases.push({ name, input: floats, make: () => floatModel(make[kind]({ units: 6, returnSequences: true, inputShape: input, ...options }), new Dense({ units: 2 })) });
    cases.push({ name: `${name}_last`, input: floats, make: () => floatModel(make[kind]({ units: 6, inputShape: input, ...options }), new Dense({ units: 2 })) });
  }
  for (const kind of ['lstm', 'gru', 'rnn'] as Kind[]) {
    cases.push({ name: `${kind}_go_backwards`, input: floats, make: () => floatModel(make[kind]({ units: 5, goBackwards: true, returnSequences: true, inputShape: input }), new Dense({ units: 2 })) });
    cases.push({ name: `${kind}_go_backwards_last`, input: floats, make: () => floatModel(make[kind]({ units: 5, goBackwards: true, inputShape: input })) });
  }
  cases.push({
    name: 'stacked_lstm_gru_rnn_dropout',
    input: floats,
    make: () =>
      floatModel(
        new LSTM({ units: 6, returnSequences: true, inputShape: input, dropout: 0.2, recurrentDropout: 0.2 }),
        new Dropout({ rate: 0.3 }),
        new GRU({ units: 5, returnSequences: true }),
        new SimpleRNN({ units: 4 }),
        new Dense({ units: 3, activation: 'tanh' }),
      ),
  });
  return cases;
}

function bidirectionalCases(): ExportCase[] {
  const cases: ExportCase[] = [];
  const kinds: Kind[] = ['lstm', 'gru', 'rnn', 'lstm'];
  MERGE_MODES.forEach((mergeMode: MergeMode, k) => {
    const kind = kinds[k];
    const bi = (returnSequences: boolean, extra = {}) => new Bidirectional({ layer: make[kind]({ units: 4, returnSequences, ...extra }), mergeMode, inputShape: input });
    cases.push({ name: `bidirectional_${kind}_${mergeMode}`, input: floats, make: () => floatModel(bi(true), new Dense({ units: 2 })) });
    cases.push({ name: `bidirectional_${kind}_${mergeMode}_last`, input: floats, make: () => floatModel(bi(false)) });
  });
  cases.push({ name: 'bidirectional_peephole_go_backwards', input: floats, make: () => floatModel(new Bidirectional({ layer: new LSTM({ units: 4, peephole: true, goBackwards: true, returnSequences: true }), inputShape: input })) });
  cases.push({ name: 'bidirectional_gru_reset_before_stacked', input: floats, make: () => floatModel(new Bidirectional({ layer: new GRU({ units: 4, resetAfter: false, returnSequences: true }), inputShape: input }), new Bidirectional({ layer: new GRU({ units: 3 }), mergeMode: 'sum' })) });
  return cases;
}

function maskedCases(): ExportCase[] {
  return [
    { name: 'embedding_no_mask_lstm', input: ids, make: () => idsModel(false, new LSTM({ units: 5, returnSequences: true }), new Dense({ units: 2 })) },
    { name: 'masked_lstm', input: ids, make: () => idsModel(true, new LSTM({ units: 5, returnSequences: true }), new Dense({ units: 2 })) },
    { name: 'masked_gru_last', input: ids, make: () => idsModel(true, new GRU({ units: 5 })) },
    { name: 'masked_rnn_go_backwards_then_lstm', input: ids, make: () => idsModel(true, new SimpleRNN({ units: 5, goBackwards: true, returnSequences: true }), new LSTM({ units: 4, returnSequences: true })) },
    { name: 'masked_gru_go_backwards_last', input: ids, make: () => idsModel(true, new GRU({ units: 5, goBackwards: true, resetAfter: false })) },
    ...MERGE_MODES.map((mergeMode) => ({
      name: `masked_bidirectional_${mergeMode}`,
      input: ids,
      make: () => idsModel(true, new Bidirectional({ layer: new LSTM({ units: 4, returnSequences: true }), mergeMode }), new Dense({ units: 2 })),
    })),
    { name: 'masked_bidirectional_last', input: ids, make: () => idsModel(true, new Bidirectional({ layer: new GRU({ units: 4 }) })) },
    { name: 'masked_bidirectional_go_backwards', input: ids, make: () => idsModel(true, new Bidirectional({ layer: new SimpleRNN({ units: 4, goBackwards: true, returnSequences: true }), mergeMode: 'mul' })) },
    { name: 'masked_stack_dense_between', input: ids, make: () => idsModel(true, new GRU({ units: 5, returnSequences: true }), new Dense({ units: 4, activation: 'relu' }), new Dropout({ rate: 0.1 }), new LSTM({ units: 3 })) },
  ];
}

function denseCases(): ExportCase[] {
  const names = DENSE_ACTIVATION_NAMES.filter((n) => !n.includes('_')) as DenseActivationName[];
  const perStep = names.map((activation) => ({
    name: `dense_${activation}`,
    input: floats,
    make: () => floatModel(new LSTM({ units: 4, returnSequences: true, inputShape: input }), new Dense({ units: 3, activation })),
  }));
  const vectors: InputKind = { kind: 'vector', features: 5 };
  const denseOnly = { name: 'dense_only_vectors', input: vectors, make: () => floatModel(new Dense({ units: 4, activation: 'relu', inputShape: [5] }), new Dropout({ rate: 0.5 }), new Dense({ units: 2, useBias: false })) };
  return [...perStep, denseOnly];
}

/** Every export case. */
export const EXPORT_CASES: readonly ExportCase[] = [...recurrentCases(), ...bidirectionalCases(), ...maskedCases(), ...denseCases()];

/** The cases run at batch 1 and 64, lengths 1 and 100 as well. */
export const SIZE_CASES: readonly string[] = ['stacked_lstm_gru_rnn_dropout', 'bidirectional_gru_reset_before_stacked', 'masked_bidirectional_concat', 'masked_rnn_go_backwards_then_lstm', 'lstm_peephole_last'];

/** Models whose layers add state inputs or outputs (returnState, stateful). */
export const STATE_CASES: readonly ExportCase[] = [
  {
    name: 'return_state',
    input: floats,
    make: () =>
      floatModel(
        new LSTM({ units: 6, returnSequences: true, returnState: true, peephole: true, inputShape: input }),
        new Bidirectional({ layer: new GRU({ units: 4, returnSequences: true, returnState: true }), mergeMode: 'sum' }),
        new SimpleRNN({ units: 3, returnState: true, goBackwards: true }),
        new Dense({ units: 2 }),
      ),
  },
  {
    name: 'masked_return_state',
    input: ids,
    make: () => idsModel(true, new LSTM({ units: 5, returnSequences: true, returnState: true }), new Bidirectional({ layer: new GRU({ units: 4, returnState: true, goBackwards: true }) })),
  },
  {
    name: 'stateful',
    input: floats,
    make: () => floatModel(new LSTM({ units: 5, stateful: true, returnSequences: true, inputShape: input }), new GRU({ units: 4, stateful: true }), new Dense({ units: 2 })),
  },
  {
    name: 'masked_stateful',
    input: ids,
    make: () => idsModel(true, new GRU({ units: 5, stateful: true, returnSequences: true }), new LSTM({ units: 4, stateful: true, goBackwards: true })),
  },
];
