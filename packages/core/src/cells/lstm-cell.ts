import type { Random } from '../random';
import { initialize } from '../init/initializers';
import { Tensor } from '../tensor';
import type { Parameter } from '../train/parameter';
import { checkBoolean } from '../options';
import { CELL_OPTION_KEYS, checkCellOptions, type GatedCellOptions, resolveCellOptions } from './cell-options';
import type { BackwardCall, ForwardCall } from './kernel-calls';
import { makeParameter, RecurrentCell, type SequenceGradRun, type SequenceRun } from './recurrent-cell';

/** LSTM cell options (Keras `LSTMCell`, plus ONNX-style peepholes). */
export interface LSTMCellOptions extends GatedCellOptions {
  /** Starts the forget-gate block of `bias_ih_l0` at 1 (Keras `unit_forget_bias`, default true). */
  unitForgetBias?: boolean;
  /** Adds `peephole_l0 [3H]` (gates i, f, o look at the cell state), default false. */
  peephole?: boolean;
  /** Name used in error messages; defaults to `lstm_cell_N`. */
  name?: string;
}

/** The keys of `LSTMCellOptions`. */
export const LSTM_CELL_OPTION_KEYS = [...CELL_OPTION_KEYS, 'recurrentActivation', 'unitForgetBias', 'peephole', 'name'] satisfies readonly (keyof LSTMCellOptions)[];

/** State of an LSTM cell. */
export interface LSTMState {
  /** [batch, units] hidden state */
  h: Tensor;
  /** [batch, units] cell state */
  c: Tensor;
}

/** The LSTM cell, PyTorch's `nn.LSTM` layout: gates i, f, g, o (G = 4). */
export class LSTMCell extends RecurrentCell<LSTMState> {
  readonly kind = 'lstm' as const;
  /** Whether the forget bias starts at 1. */
  readonly unitForgetBias: boolean;
  /** Whether the cell has peephole weights. */
  readonly peephole: boolean;
  /** `peephole_l0 [3H]` (i, f, o), null without peepholes. */
  peepholeWeight: Parameter | null = null;

  constructor(options: LSTMCellOptions) {
    const name = checkCellOptions('LSTMCell', options, LSTM_CELL_OPTION_KEYS, 'lstm_cell');
    super(name, resolveCellOptions(name, options));
    this.unitForgetBias = checkBoolean(name, 'unitForgetBias', options.unitForgetBias, true);
    this.peephole = checkBoolean(name, 'peephole', options.peephole, false);
  }

  protected override initialInputBias(random: Random): Float32Array {
    const bias = super.initialInputBias(random); // [4H] blocks i, f, g, o
    if (this.unitForgetBias) bias.fill(1, this.units, 2 * this.units);
    return bias;
  }

  protected override buildExtra(random: Random): void {
    if (!this.peephole) return;
    const H = this.units;
    // Like tf.keras's PeepholeLSTMCell: the kernel initialiser, one [H] vector per gate (fans H, H).
    this.peepholeWeight = makeParameter('peephole_l0', [3 * H], initialize(this.options.kernelInitializer, [3, H], H, H, random));
  }

  protected override extraParameters(): (Parameter | null)[] {
    return [this.peepholeWeight];
  }

  forwardCall(run: SequenceRun): ForwardCall {
    const peephole = this.peepholeWeight?.value ?? null;
    return { cell: 'lstm', args: Object.assign(this.forwardBase(run), { c0: run.initial[1], cT: run.final[1], peephole }, this.gateActivations()) };
  }

  backwardCall(run: SequenceGradRun): BackwardCall {
    const peephole = this.peepholeWeight;
    return {
      cell: 'lstm',
      args: Object.assign(
        this.backwardBase(run),
        {
          c0: run.initial[1],
          dcT: run.dFinal[1],
          dc0: run.dInitial[1],
          peephole: peephole?.value ?? null,
          dPeephole: peephole?.grad ?? null,
        },
        this.gateActivations(),
      ),
    };
  }

  protected makeState(buffers: Float32Array[], batch: number): LSTMState {
    return { h: new Tensor(buffers[0], [batch, this.units]), c: new Tensor(buffers[1], [batch, this.units]) };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), unitForgetBias: this.unitForgetBias, peephole: this.peephole };
  }
}
