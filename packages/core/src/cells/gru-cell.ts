import { initialize } from '../init/initializers';
import type { Random } from '../random';
import { Tensor } from '../tensor';
import { checkBoolean } from '../options';
import { CELL_OPTION_KEYS, checkCellOptions, type GatedCellOptions, resolveCellOptions } from './cell-options';
import type { BackwardCall, ForwardCall } from './kernel-calls';
import { RecurrentCell, type SequenceGradRun, type SequenceRun } from './recurrent-cell';

/** GRU cell options (Keras `GRUCell`). */
export interface GRUCellOptions extends GatedCellOptions {
  /**
   * Apply the reset gate after the recurrent GEMM (default true: PyTorch, cuDNN, Keras 3's default).
   * `false` is Keras's `reset_after=False` (the original GRU), which PyTorch has no layer for.
   */
  resetAfter?: boolean;
  /** Name used in error messages; defaults to `gru_cell_N`. */
  name?: string;
}

/** The keys of `GRUCellOptions`. */
export const GRU_CELL_OPTION_KEYS = [...CELL_OPTION_KEYS, 'recurrentActivation', 'resetAfter', 'name'] satisfies readonly (keyof GRUCellOptions)[];

/** State of a GRU cell. */
export interface GRUState {
  /** [batch, units] */
  h: Tensor;
}

/** The GRU cell, PyTorch's `nn.GRU` layout: gates r, z, n (G = 3). */
export class GRUCell extends RecurrentCell<GRUState> {
  readonly kind = 'gru' as const;
  /** Reset gate after the recurrent GEMM (PyTorch) or before (original GRU). */
  readonly resetAfter: boolean;

  constructor(options: GRUCellOptions) {
    const name = checkCellOptions('GRUCell', options, GRU_CELL_OPTION_KEYS, 'gru_cell');
    super(name, resolveCellOptions(name, options));
    this.resetAfter = checkBoolean(name, 'resetAfter', options.resetAfter, true);
  }

  /** Keras's reset_after GRU has an input and a recurrent bias, both from the bias initialiser. */
  protected override initialRecurrentBias(random: Random): Float32Array {
    if (!this.resetAfter) return super.initialRecurrentBias(random);
    const GH = 3 * this.units;
    return initialize(this.options.biasInitializer, [GH], GH, GH, random);
  }

  forwardCall(run: SequenceRun): ForwardCall {
    return { cell: 'gru', args: Object.assign(this.forwardBase(run), { resetAfter: this.resetAfter }, this.gateActivations()) };
  }

  backwardCall(run: SequenceGradRun): BackwardCall {
    return { cell: 'gru', args: Object.assign(this.backwardBase(run), { resetAfter: this.resetAfter }, this.gateActivations()) };
  }

  protected makeState(buffers: Float32Array[], batch: number): GRUState {
    return { h: new Tensor(buffers[0], [batch, this.units]) };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), resetAfter: this.resetAfter };
  }
}
