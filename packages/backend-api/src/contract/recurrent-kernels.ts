import { type CellKind, GATES, WORKSPACE_BLOCKS } from './cells';
import { fieldsOver } from './fields';

/**
 * The tables of the six recurrent kernels. Conventions shared by all of them:
 * - Every buffer is a row-major `Float32Array`, passed without copies. Kernels are time-major:
 *   `x` is `[T, B, I]`, so each step is one contiguous `[B, ·]` block. A forward call may read `x`
 *   batch-first instead (`batchFirst`: `[B, T, I]`, the layout of a model's input), so that
 *   inference needs no transposed copy; everything else stays time-major.
 * - Weights use PyTorch's layout and gate order: `wIh [G·H, I]`, `wHh [G·H, H]`, `bIh`/`bHh [G·H]`,
 *   with G = 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n) or 1 (SimpleRNN).
 * - Outputs come first in each struct, then inputs, then sizes and options.
 * - Forward outputs and backward input/state gradients (`dx`, `dh0`, `dc0`) are overwritten.
 *   Parameter gradients (`dWIh`, `dWHh`, `dBIh`, `dBHh`, `dPeephole`) accumulate (`+=`): the
 *   trainer zeroes them once per batch, so two directions or two uses of a weight simply add up.
 * - Backward treats every input, the workspace included, as read-only.
 * - `null` for an optional input means zeros (`h0`, `c0`, `dy`, `dhT`, `dcT`), absent (`bIh`/`bHh`
 *   when the layer has no bias, `peephole`), or "not wanted" for an optional output.
 */

/** The sizes of a recurrent call: time steps T, batch B, input features I, hidden units H. */
export type SequenceSize = 'T' | 'B' | 'I' | 'H';

const { size, flag, activation, read, readOrNull, write, writeOrNull, accumulate, accumulateOrNull } = fieldsOver<SequenceSize>();

/** The four sizes, first in check order. */
function sequenceSizes() {
  return {
    /** Time steps. */
    T: size(),
    /** Batch size. */
    B: size(),
    /** Input features. */
    I: size(),
    /** Hidden units. */
    H: size(),
  };
}

/** The workspace of `cell`: `[blocks·T·B·H]` floats, named after the function that gives its length. */
function workspaceShape(cell: CellKind) {
  return { shape: [[WORKSPACE_BLOCKS[cell], 'T', 'B', 'H']] as const, lengthName: `workspaceSize('${cell}', dims)` };
}

/** What every recurrent forward call takes, whatever the cell. */
export function forwardFields(cell: CellKind) {
  const G = GATES[cell];
  const ws = workspaceShape(cell);
  return {
    /**
     * [T, B, H] output: hidden state after each step, at the input's time index (also when `reverse`).
     * `null` when only the final states are wanted (inference of a layer that returns its last
     * step): the kernel then keeps the steps' states in scratch of its own. Backward reads `y`, so a
     * training forward passes it.
     */
    y: writeOrNull('output', ['T', 'B', 'H']),
    /** [B, H] output: final hidden state (after the last step processed; with `reverse`, after t = 0). */
    hT: write('state', ['B', 'H']),
    /**
     * [workspaceSize(cell, dims)] output: what backward needs (gate activations, cell states).
     * `null` for inference: the kernel then uses scratch of its own.
     */
    workspace: writeOrNull('workspace', ws.shape, { atLeast: true, lengthName: ws.lengthName }),
    /** [T, B, I] input sequence, or [B, T, I] with `batchFirst`. */
    x: read('input', ['T', 'B', 'I']),
    /** [B, H] initial hidden state; `null` = zeros. */
    h0: readOrNull('state', ['B', 'H']),
    /**
     * [T, B] step mask: 1 = the step counts, 0 = padding. At a padded step the state is carried over
     * unchanged and `y[t]` repeats the carried hidden state (Keras masking semantics). `null` = all 1.
     */
    mask: readOrNull('mask', ['T', 'B']),
    /** [G·H, I] input weights. */
    wIh: read('weight', [[G, 'H'], 'I']),
    /** [G·H, H] recurrent weights. */
    wHh: read('weight', [[G, 'H'], 'H']),
    /** [G·H] input bias, or `null` without bias (then `bHh` is `null` too). */
    bIh: readOrNull('weight', [[G, 'H']], { pairedWith: 'bHh' }),
    /** [G·H] recurrent bias, or `null` without bias. */
    bHh: readOrNull('weight', [[G, 'H']]),
    /**
     * [B, H] recurrent dropout mask (0 or 1/(1−p)), the same for every step: it scales `h_{t-1}` where
     * `h_{t-1}` enters the recurrent GEMM (`W_hh · (m ⊙ h)`), not where the state is carried
     * (GRU's `z ⊙ h`); `null` = no recurrent dropout.
     */
    recurrentMask: readOrNull('mask', ['B', 'H']),
    ...sequenceSizes(),
    /** Process t = T−1 … 0 (a backward direction). Outputs stay at their input time index. */
    reverse: flag(),
    /**
     * `x` is batch-first, `[B, T, I]`: row b's steps are contiguous, step t of it at `(b·T + t)·I`.
     * The results are those of the same call on `x` transposed to `[T, B, I]`; outputs, masks and
     * the workspace keep their time-major layouts (backward reads `x` time-major).
     */
    batchFirst: flag(),
  };
}

/** What every recurrent backward call takes, whatever the cell. */
export function backwardFields(cell: CellKind) {
  const G = GATES[cell];
  const ws = workspaceShape(cell);
  return {
    /** [T, B, I] output, overwritten: gradient w.r.t. `x`; `null` if not wanted. */
    dx: writeOrNull('gradient', ['T', 'B', 'I']),
    /** [B, H] output, overwritten: gradient w.r.t. `h0`; `null` if not wanted. */
    dh0: writeOrNull('gradient', ['B', 'H']),
    /** [G·H, I] accumulated (+=). */
    dWIh: accumulate([[G, 'H'], 'I']),
    /** [G·H, H] accumulated (+=). */
    dWHh: accumulate([[G, 'H'], 'H']),
    /** [G·H] accumulated (+=); `null` without bias (then `dBHh` is `null` too). */
    dBIh: accumulateOrNull([[G, 'H']], { pairedWith: 'dBHh' }),
    /** [G·H] accumulated (+=); `null` without bias. */
    dBHh: accumulateOrNull([[G, 'H']]),
    /** [T, B, H] gradient w.r.t. `y`; `null` = zeros. */
    dy: readOrNull('gradient', ['T', 'B', 'H']),
    /** [B, H] gradient w.r.t. `hT`; `null` = zeros. */
    dhT: readOrNull('gradient', ['B', 'H']),
    /** [T, B, I] the forward input. */
    x: read('input', ['T', 'B', 'I']),
    /** [B, H] the forward initial hidden state; `null` = zeros. */
    h0: readOrNull('state', ['B', 'H']),
    /** [T, B] the forward mask; `null` = all 1. */
    mask: readOrNull('mask', ['T', 'B']),
    /** [G·H, I] */
    wIh: read('weight', [[G, 'H'], 'I']),
    /** [G·H, H] */
    wHh: read('weight', [[G, 'H'], 'H']),
    /** [T, B, H] the forward output `y`. */
    y: read('output', ['T', 'B', 'H']),
    /** [workspaceSize(cell, dims)] the forward workspace, read-only. */
    workspace: read('workspace', ws.shape, { atLeast: true, lengthName: ws.lengthName }),
    /** [B, H] the forward recurrent dropout mask; `null` = none. */
    recurrentMask: readOrNull('mask', ['B', 'H']),
    ...sequenceSizes(),
    /** The forward's direction. */
    reverse: flag(),
  };
}

/** SimpleRNN (Elman): `h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)`. */
export const RNN_FORWARD = {
  ...forwardFields('rnn'),
  /** `act` of the formula. */
  activation: activation(),
};

/** SimpleRNN backward: the gradients of `rnnForward`'s inputs and weights. */
export const RNN_BACKWARD = {
  ...backwardFields('rnn'),
  /** The forward's activation. */
  activation: activation(),
};

/** The options of the gated cells: act (`activation`) and σ (`recurrentActivation`). */
function gateActivations() {
  return {
    /** The candidate's and the output's activation (Keras `activation`, default tanh). */
    activation: activation(),
    /** The gates' activation σ (Keras `recurrent_activation`, default sigmoid). */
    recurrentActivation: activation(),
  };
}

/**
 * LSTM, PyTorch gate order i, f, g, o (σ = `recurrentActivation`, act = `activation`):
 * ```
 * i = σ(W_ii x + b_ii + W_hi h + b_hi [+ p_i ⊙ c_{t-1}])
 * f = σ(W_if x + b_if + W_hf h + b_hf [+ p_f ⊙ c_{t-1}])
 * g = act(W_ig x + b_ig + W_hg h + b_hg)
 * c' = f ⊙ c + i ⊙ g
 * o = σ(W_io x + b_io + W_ho h + b_ho [+ p_o ⊙ c'])
 * h' = o ⊙ act(c')
 * ```
 * The bracketed peephole terms apply when `peephole` is given (ONNX's P input, reordered to i, f, o).
 */
export const LSTM_FORWARD = {
  ...forwardFields('lstm'),
  /** [B, H] output: final cell state. */
  cT: write('state', ['B', 'H']),
  /** [B, H] initial cell state; `null` = zeros. */
  c0: readOrNull('state', ['B', 'H']),
  /** [3H] peephole weights in the order i, f, o; `null` = plain LSTM. */
  peephole: readOrNull('weight', [[3, 'H']]),
  ...gateActivations(),
};

/** LSTM backward: the gradients of `lstmForward`'s inputs, states and weights. */
export const LSTM_BACKWARD = {
  ...backwardFields('lstm'),
  /** [B, H] output, overwritten: gradient w.r.t. `c0`; `null` if not wanted. */
  dc0: writeOrNull('gradient', ['B', 'H']),
  /** [3H] accumulated (+=); `null` exactly when `peephole` is. */
  dPeephole: accumulateOrNull([[3, 'H']]),
  /** [B, H] gradient w.r.t. `cT`; `null` = zeros. */
  dcT: readOrNull('gradient', ['B', 'H']),
  /** [B, H] the forward initial cell state; `null` = zeros. */
  c0: readOrNull('state', ['B', 'H']),
  /** [3H] the forward's peephole weights; `null` exactly when `dPeephole` is. */
  peephole: readOrNull('weight', [[3, 'H']], { pairedWith: 'dPeephole' }),
  ...gateActivations(),
};

/** The GRU's options besides its activations. */
function gruOptions() {
  return {
    /** Reset gate after the recurrent GEMM (PyTorch, cuDNN, Keras `reset_after=True`) or before it. */
    resetAfter: flag(),
    ...gateActivations(),
  };
}

/**
 * GRU, PyTorch gate order r, z, n:
 * ```
 * r = σ(W_ir x + b_ir + W_hr h + b_hr)
 * z = σ(W_iz x + b_iz + W_hz h + b_hz)
 * resetAfter (PyTorch, cuDNN, Keras reset_after=True, ONNX linear_before_reset=1):
 *   n = act(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 * reset before (Keras reset_after=False, ONNX linear_before_reset=0):
 *   n = act(W_in x + b_in + W_hn (r ⊙ h) + b_hn)
 * (with a recurrent mask m, every `h` inside a W_h· product above is `m ⊙ h`)
 * h' = (1 − z) ⊙ n + z ⊙ h
 * ```
 */
export const GRU_FORWARD = { ...forwardFields('gru'), ...gruOptions() };

/** GRU backward: the gradients of `gruForward`'s inputs, state and weights. */
export const GRU_BACKWARD = { ...backwardFields('gru'), ...gruOptions() };
