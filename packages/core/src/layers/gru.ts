import { GRU_CELL_OPTION_KEYS, GRUCell, type GRUCellOptions } from '../cells/gru-cell';
import type { RecurrentLayerOptions } from './recurrent-options';
import { RecurrentLayer } from './recurrent-layer';

/** Options of `GRU`: the recurrent-layer options plus `resetAfter` (default true, PyTorch's GRU). */
export interface GRUOptions extends RecurrentLayerOptions, Pick<GRUCellOptions, 'resetAfter'> {}

/** Gated recurrent unit layer (Keras `GRU`, PyTorch `nn.GRU` weights, gates r, z, n). */
export class GRU extends RecurrentLayer<GRUCell> {
  constructor(options: GRUOptions) {
    super('gru', options, GRU_CELL_OPTION_KEYS, (cellOptions) => new GRUCell(cellOptions));
  }

  get className(): string {
    return 'GRU';
  }
}
