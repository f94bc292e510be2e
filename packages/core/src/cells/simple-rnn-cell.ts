import { Tensor } from '../tensor';
import { CELL_OPTION_KEYS, type CellOptions, checkCellOptions, resolveCellOptions } from './cell-options';
import type { BackwardCall, ForwardCall } from './kernel-calls';
import { RecurrentCell, type SequenceGradRun, type SequenceRun } from './recurrent-cell';

/** SimpleRNN cell options (Keras `SimpleRNNCell`): `h_t = activation(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)`. */
export interface SimpleRNNCellOptions extends CellOptions {
  /** Name used in error messages; defaults to `simple_rnn_cell_N`. */
  name?: string;
}

/** The keys of `SimpleRNNCellOptions`. */
export const SIMPLE_RNN_CELL_OPTION_KEYS = [...CELL_OPTION_KEYS, 'name'] satisfies readonly (keyof SimpleRNNCellOptions)[];

/** State of a SimpleRNN cell. */
export interface SimpleRNNState {
  /** [batch, units] */
  h: Tensor;
}

/** The Elman cell, PyTorch's `nn.RNN` layout (G = 1); activation `tanh`, `relu`, … */
export class SimpleRNNCell extends RecurrentCell<SimpleRNNState> {
  readonly kind = 'rnn' as const;

  constructor(options: SimpleRNNCellOptions) {
    const name = checkCellOptions('SimpleRNNCell', options, SIMPLE_RNN_CELL_OPTION_KEYS, 'simple_rnn_cell');
    super(name, resolveCellOptions(name, options));
  }

  forwardCall(run: SequenceRun): ForwardCall {
    return { cell: 'rnn', args: Object.assign(this.forwardBase(run), { activation: this.options.activation }) };
  }

  backwardCall(run: SequenceGradRun): BackwardCall {
    return { cell: 'rnn', args: Object.assign(this.backwardBase(run), { activation: this.options.activation }) };
  }

  protected makeState(buffers: Float32Array[], batch: number): SimpleRNNState {
    return { h: new Tensor(buffers[0], [batch, this.units]) };
  }

  override getConfig(): Record<string, unknown> {
    const { recurrentActivation: _unused, ...config } = super.getConfig();
    return config;
  }
}
