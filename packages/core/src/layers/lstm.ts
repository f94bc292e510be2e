import { LSTM_CELL_OPTION_KEYS, LSTMCell, type LSTMCellOptions } from '../cells/lstm-cell';
import type { RecurrentLayerOptions } from './recurrent-options';
import { RecurrentLayer } from './recurrent-layer';

/** Options of `LSTM`: the recurrent-layer options plus `unitForgetBias` and `peephole`. */
export interface LSTMOptions extends RecurrentLayerOptions, Pick<LSTMCellOptions, 'unitForgetBias' | 'peephole'> {}

/**
 * Long short-term memory layer (Keras `LSTM`, PyTorch `nn.LSTM` weights, gates i, f, g, o);
 * `apply()` returns states `[h, c]`.
 */
export class LSTM extends RecurrentLayer<LSTMCell> {
  constructor(options: LSTMOptions) {
    super('lstm', options, LSTM_CELL_OPTION_KEYS, (cellOptions) => new LSTMCell(cellOptions));
  }

  get className(): string {
    return 'LSTM';
  }
}
