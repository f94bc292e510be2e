/** Data preparation: CSV, scalers, sliding windows, splits, padding, tokenizing, forecasting. */
export { readCsv } from './csv';
export type { CsvCell, CsvTable, ReadCsvOptions } from './csv';
export type { ScalerInput } from './scaler-input';
export { MinMaxScaler } from './min-max-scaler';
export type { MinMaxScalerJSON, MinMaxScalerOptions } from './min-max-scaler';
export { StandardScaler } from './standard-scaler';
export type { StandardScalerJSON } from './standard-scaler';
export { timeseriesWindows } from './timeseries-windows';
export type { TimeseriesWindowOptions, TimeseriesWindows } from './timeseries-windows';
export { trainTestSplit } from './train-test-split';
export type { TrainTestSplit, TrainTestSplitOptions } from './train-test-split';
export { padSequences } from './pad-sequences';
export type { PadSequencesOptions } from './pad-sequences';
export { CharTokenizer } from './char-tokenizer';
export type { CharTokenizerJSON, CharTokenizerOptions } from './char-tokenizer';
export { forecast } from './forecast';
export type { ForecastOptions, UnivariatePredictor } from './forecast';
