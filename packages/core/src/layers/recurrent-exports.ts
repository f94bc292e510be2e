/**
 * The public names of the recurrent layers, re-exported by `layers/index.ts`
 * (`export * from './recurrent-exports'`).
 */
export { SimpleRNN } from './simple-rnn';
export type { SimpleRNNOptions } from './simple-rnn';
export { LSTM } from './lstm';
export type { LSTMOptions } from './lstm';
export { GRU } from './gru';
export type { GRUOptions } from './gru';
export { Bidirectional, MERGE_MODES } from './bidirectional';
export type { BidirectionalOptions, MergeMode } from './bidirectional';
export { RecurrentLayer } from './recurrent-layer';
export type { ApplyOptions, ApplyResult } from './recurrent-layer';
export type { RecurrentLayerOptions } from './recurrent-options';
