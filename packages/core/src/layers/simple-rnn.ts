import { SIMPLE_RNN_CELL_OPTION_KEYS, SimpleRNNCell } from '../cells/simple-rnn-cell';
import type { RecurrentLayerOptions } from './recurrent-options';
import { RecurrentLayer } from './recurrent-layer';

/** Options of `SimpleRNN` (Keras names; `recurrentActivation` does not apply). */
export type SimpleRNNOptions = Omit<RecurrentLayerOptions, 'recurrentActivation'>;

/**
 * Fully connected recurrent layer (Keras `SimpleRNN`, PyTorch `nn.RNN` weights):
 * `h_t = activation(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)`.
 */
export class SimpleRNN extends RecurrentLayer<SimpleRNNCell> {
  constructor(options: SimpleRNNOptions) {
    super('simple_rnn', options, SIMPLE_RNN_CELL_OPTION_KEYS, (cellOptions) => new SimpleRNNCell(cellOptions));
  }

  get className(): string {
    return 'SimpleRNN';
  }
}
