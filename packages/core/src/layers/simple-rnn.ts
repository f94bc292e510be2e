import { SimpleRNNCell } from '../cells/simple-rnn-cell';
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
    super('simple_rnn', options, (name) => new SimpleRNNCell({ ...options, name }));
  }

  get className(): string {
    return 'SimpleRNN';
  }
}
