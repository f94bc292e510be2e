export { SimpleRNNCell } from './simple-rnn-cell';
export type { SimpleRNNCellOptions, SimpleRNNState } from './simple-rnn-cell';
export { LSTMCell } from './lstm-cell';
export type { LSTMCellOptions, LSTMState } from './lstm-cell';
export { GRUCell } from './gru-cell';
export type { GRUCellOptions, GRUState } from './gru-cell';
export { RecurrentCell } from './recurrent-cell';
export type { CellState, StepResult } from './recurrent-cell';
export type { CellOptions, GatedCellOptions } from './cell-options';
