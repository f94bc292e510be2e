import { join } from 'node:path';
import { tempDir } from '../../../../test-support/temp-dirs';
import * as core from '../../src/index';
import { linearData, smallModel } from '../model/fixtures';

/**
 * One call per public options object, labelled as `publicOptionsParameters()` labels it. Each gets
 * `extra` keys to merge into a valid options object; the walk passes unknown and misspelt keys and
 * expects the one option checker's `ConfigError`. A new public options object needs a case here
 * (the walk fails, naming it, until it has one).
 */
export type OptionsCase = (extra: Record<string, unknown>) => unknown;

const { x, y } = linearData(4);
/** Where the `saveModel` case writes (removed when the test file ends). */
const SAVE_DIR = tempDir('rnn-options-walk-');
const seqX = [[[0.1], [0.2]], [[0.3], [0.4]]];
const model = (): core.Sequential => smallModel(1);
const lstm = (): core.LSTM => new core.LSTM({ units: 2 });
const predictor = { predict: async () => new core.Tensor(new Float32Array(1), [1, 1]) };
const any = <T>(options: Record<string, unknown>): T => options as T;

export const OPTIONS_CASES: Record<string, OptionsCase> = {
  // cells and layers
  'new SimpleRNNCell': (e) => new core.SimpleRNNCell(any({ units: 2, ...e })),
  'new LSTMCell': (e) => new core.LSTMCell(any({ units: 2, ...e })),
  'new GRUCell': (e) => new core.GRUCell(any({ units: 2, ...e })),
  'new SimpleRNN': (e) => new core.SimpleRNN(any({ units: 2, ...e })),
  'new LSTM': (e) => new core.LSTM(any({ units: 2, ...e })),
  'new GRU': (e) => new core.GRU(any({ units: 2, ...e })),
  'new Bidirectional': (e) => new core.Bidirectional(any({ layer: lstm(), ...e })),
  'new Dense': (e) => new core.Dense(any({ units: 2, ...e })),
  'new Embedding': (e) => new core.Embedding(any({ inputDim: 5, outputDim: 2, ...e })),
  'new Dropout': (e) => new core.Dropout(any({ rate: 0.1, ...e })),
  'RecurrentLayer.apply': (e) => lstm().apply(seqX, any(e)),
  'Bidirectional.apply': (e) => new core.Bidirectional({ layer: lstm() }).apply(seqX, any(e)),
  // the model
  'new Sequential': (e) => new core.Sequential([], any(e)),
  'Sequential.compile': (e) => model().compile(any({ optimizer: 'adam', loss: 'mse', ...e })),
  'Sequential.fit': (e) => model().fit(x, y, any({ verbose: 0, ...e })),
  'Sequential.evaluate': (e) => model().evaluate(x, y, any(e)),
  'Sequential.predict': (e) => model().predict(x, any(e)),
  'Predictor.predict': (e) => model().predictor().predict(x, any(e)),
  'Sequential.trainOnBatch': (e) => model().trainOnBatch(x, y, any(e)),
  'Sequential.stateDict': (e) => model().stateDict(any(e)),
  'Sequential.loadStateDict': (e) => {
    const m = model();
    m.loadStateDict(m.stateDict(), any(e));
  },
  // optimizers, losses, callbacks, progress
  'new SGD': (e) => new core.SGD(any(e)),
  'new Adam': (e) => new core.Adam(any(e)),
  'new AdamW': (e) => new core.AdamW(any(e)),
  'new RMSprop': (e) => new core.RMSprop(any(e)),
  'new Adagrad': (e) => new core.Adagrad(any(e)),
  'new MeanSquaredError': (e) => new core.MeanSquaredError(any(e)),
  'new MeanAbsoluteError': (e) => new core.MeanAbsoluteError(any(e)),
  'new Huber': (e) => new core.Huber(any(e)),
  'new BinaryCrossentropy': (e) => new core.BinaryCrossentropy(any(e)),
  'new CategoricalCrossentropy': (e) => new core.CategoricalCrossentropy(any(e)),
  'new SparseCategoricalCrossentropy': (e) => new core.SparseCategoricalCrossentropy(any(e)),
  'new EarlyStopping': (e) => new core.EarlyStopping(any(e)),
  'new ReduceLROnPlateau': (e) => new core.ReduceLROnPlateau(any(e)),
  'new TerminateOnNaN': (e) => new core.TerminateOnNaN(any(e)),
  'new ModelCheckpoint': (e) => new core.ModelCheckpoint(any({ filepath: join(SAVE_DIR, 'checkpoint'), ...e })),
  'new ProgressLogger': (e) => new core.ProgressLogger(any(e)),
  // data utilities
  readCsv: (e) => core.readCsv('a,b\n1,2\n', any(e)),
  'new MinMaxScaler': (e) => new core.MinMaxScaler(any(e)),
  'new StandardScaler': (e) => new core.StandardScaler(any(e)),
  timeseriesWindows: (e) => core.timeseriesWindows([1, 2, 3, 4], any({ window: 2, ...e })),
  trainTestSplit: (e) => core.trainTestSplit([[1], [2], [3]], [[1], [2], [3]], any(e)),
  padSequences: (e) => core.padSequences([[1, 2]], any(e)),
  'new CharTokenizer': (e) => new core.CharTokenizer(any(e)),
  forecast: (e) => core.forecast(predictor, [1, 2, 3], 1, any(e)),
  // saving
  saveModel: (e) => core.saveModel(model(), join(SAVE_DIR, 'model'), any(e)),
  serializeModel: (e) => core.serializeModel(model(), any(e)),
  // interop
  exportOnnxBytes: (e) => core.exportOnnxBytes(model(), any(e)),
  exportOnnx: (e) => core.exportOnnx(model(), join(SAVE_DIR, 'model.onnx'), any(e)),
  safetensorsBytes: (e) => core.safetensorsBytes(model(), any(e)),
  saveSafetensors: (e) => core.saveSafetensors(model(), join(SAVE_DIR, 'weights.safetensors'), any(e)),
};
