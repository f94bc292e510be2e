/**
 * @rnn/core: fast, typed recurrent neural networks (SimpleRNN, LSTM, GRU) for Node.js, with a
 * Keras-style API and PyTorch's weight layout. Each folder re-exports its public names here.
 */
export * from './errors';
export { Tensor, toTensor } from './tensor';
export type { NestedArray, TensorLike } from './tensor';
export { Random } from './random';
export type { Parameter } from './train/parameter';
export * from './backend';
export * from './init';
export * from './cells';
export * from './layers';
export * from './model';
export * from './train';
export * from './data';
export * from './io';
export * from './interop';
/**
 * The option checker every options object of @rnn goes through, for code built on @rnn/core (such as
 * @rnn/cli) that takes options objects of its own: one `ConfigError`, one wording, one "did you mean".
 */
export { checkOptions, checkRequiredOptions, didYouMean, optionKeys } from './options';
export type { Backend, BackendDetails, BackendName, ActivationName } from '@rnn/backend-api';
