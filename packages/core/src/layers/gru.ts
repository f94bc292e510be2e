import { GRUCell, type GRUCellOptions } from '../cells/gru-cell';
import type { RecurrentLayerOptions } from './recurrent-options';
import { RecurrentLayer } from './recurrent-layer';

/** Options of `GRU`: the recurrent-layer options plus `resetAfter` (default true, PyTorch's GRU). */
export interface GRUOptions extends RecurrentLayerOptions, Pick<GRUCellOptions, 'resetAfter'> {}

/** Gated recurrent unit layer (Keras `GRU`, PyTorch `nn.GRU` weights, gates r, z, n). */
export class GRU extends RecurrentLayer<GRUCell> {
  constructor(options: GRUOptions) {
    super('gru', options, (name) => new GRUCell({ ...options, name }));
  }

  get className(): string {
    return 'GRU';
  }
}
