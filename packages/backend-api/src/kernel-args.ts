/**
 * Argument structs of the sequence-level kernels.
 *
 * Conventions shared by every struct:
 * - Every buffer is a row-major `Float32Array`, passed without copies. Shapes are in the comments.
 * - Kernels are time-major: `x` is `[T, B, I]`, so each step is one contiguous `[B, ·]` block.
 * - Weights use PyTorch's layout and gate order: `wIh [G·H, I]`, `wHh [G·H, H]`, `bIh`/`bHh [G·H]`,
 *   with G = 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n) or 1 (SimpleRNN).
 * - Outputs come first in each struct, then inputs, then sizes and options.
 * - Forward outputs and backward input/state gradients (`dx`, `dh0`, `dc0`) are overwritten.
 *   Parameter gradients (`dWIh`, `dWHh`, `dBIh`, `dBHh`, `dPeephole`) accumulate (`+=`): the
 *   trainer zeroes them once per batch, so two directions or two uses of a weight simply add up.
 * - Backward treats every input, the workspace included, as read-only.
 * - `null` for an optional input means zeros (`h0`, `c0`, `dy`, `dhT`, `dcT`), absent (`bIh`/`bHh`
 *   when the layer has no bias, `peephole`), or "not wanted" for an optional output.
 *
 * Validation of sizes and lengths happens in `@rnn/core` (`validateKernelArgs`) before a backend is
 * called; the native addon checks again before it touches memory.
 */

/** Pointwise activations a kernel can apply, by Keras name. Derivatives are taken from outputs. */
export type ActivationName = 'tanh' | 'sigmoid' | 'relu' | 'linear' | 'hardSigmoid';

/** Every activation a kernel accepts, for validation and error messages. */
export const ACTIVATION_NAMES: readonly ActivationName[] = ['tanh', 'sigmoid', 'relu', 'linear', 'hardSigmoid'];

/** The three recurrent cells. */
export type CellKind = 'lstm' | 'gru' | 'rnn';

/** Gate count G per cell: rows of `wIh`/`wHh` are `G·H`. */
export const GATES: Readonly<Record<CellKind, number>> = { lstm: 4, gru: 3, rnn: 1 };

/** Sizes of one recurrent kernel call. */
export interface SequenceDims {
  /** Time steps. */
  T: number;
  /** Batch size. */
  B: number;
  /** Input features. */
  I: number;
  /** Hidden units. */
  H: number;
}

/** What every recurrent forward call takes, whatever the cell. */
export interface RecurrentForwardBase extends SequenceDims {
  /** [T, B, H] output: hidden state after each step, at the input's time index (also when `reverse`). */
  y: Float32Array;
  /** [B, H] output: final hidden state (after the last step processed; with `reverse`, after t = 0). */
  hT: Float32Array;
  /**
   * [workspaceSize(cell, dims)] output: what backward needs (gate activations, cell states).
   * `null` for inference: the kernel then uses scratch of its own.
   */
  workspace: Float32Array | null;
  /** [T, B, I] input sequence. */
  x: Float32Array;
  /** [B, H] initial hidden state; `null` = zeros. */
  h0: Float32Array | null;
  /**
   * [T, B] step mask: 1 = the step counts, 0 = padding. At a padded step the state is carried over
   * unchanged and `y[t]` repeats the carried hidden state (Keras masking semantics). `null` = all 1.
   */
  mask: Float32Array | null;
  /** [G·H, I] input weights. */
  wIh: Float32Array;
  /** [G·H, H] recurrent weights. */
  wHh: Float32Array;
  /** [G·H] input bias, or `null` without bias. */
  bIh: Float32Array | null;
  /** [G·H] recurrent bias, or `null` without bias. */
  bHh: Float32Array | null;
  /**
   * [B, H] recurrent dropout mask (0 or 1/(1−p)), the same for every step: it scales `h_{t-1}` where
   * `h_{t-1}` enters the recurrent GEMM (`W_hh · (m ⊙ h)`), not where the state is carried
   * (GRU's `z ⊙ h`); `null` = no recurrent dropout.
   */
  recurrentMask: Float32Array | null;
  /** Process t = T−1 … 0 (a backward direction). Outputs stay at their input time index. */
  reverse: boolean;
}

/** What every recurrent backward call takes, whatever the cell. */
export interface RecurrentBackwardBase extends SequenceDims {
  /** [T, B, I] output, overwritten: gradient w.r.t. `x`; `null` if not wanted. */
  dx: Float32Array | null;
  /** [B, H] output, overwritten: gradient w.r.t. `h0`; `null` if not wanted. */
  dh0: Float32Array | null;
  /** [G·H, I] accumulated (+=). */
  dWIh: Float32Array;
  /** [G·H, H] accumulated (+=). */
  dWHh: Float32Array;
  /** [G·H] accumulated (+=); `null` without bias. */
  dBIh: Float32Array | null;
  /** [G·H] accumulated (+=); `null` without bias. */
  dBHh: Float32Array | null;
  /** [T, B, H] gradient w.r.t. `y`; `null` = zeros. */
  dy: Float32Array | null;
  /** [B, H] gradient w.r.t. `hT`; `null` = zeros. */
  dhT: Float32Array | null;
  /** [T, B, I] the forward input. */
  x: Float32Array;
  /** [B, H] the forward initial hidden state; `null` = zeros. */
  h0: Float32Array | null;
  /** [T, B] the forward mask; `null` = all 1. */
  mask: Float32Array | null;
  /** [G·H, I] */
  wIh: Float32Array;
  /** [G·H, H] */
  wHh: Float32Array;
  /** [T, B, H] the forward output `y`. */
  y: Float32Array;
  /** [workspaceSize(cell, dims)] the forward workspace, read-only. */
  workspace: Float32Array;
  /** [B, H] the forward recurrent dropout mask; `null` = none. */
  recurrentMask: Float32Array | null;
  reverse: boolean;
}

/**
 * SimpleRNN (Elman): `h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)`.
 */
export interface RnnForwardArgs extends RecurrentForwardBase {
  activation: ActivationName;
}
/** SimpleRNN backward: the gradients of {@link RnnForwardArgs}'s inputs and weights. */
export interface RnnBackwardArgs extends RecurrentBackwardBase {
  activation: ActivationName;
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
export interface LstmForwardArgs extends RecurrentForwardBase {
  /** [B, H] output: final cell state. */
  cT: Float32Array;
  /** [B, H] initial cell state; `null` = zeros. */
  c0: Float32Array | null;
  /** [3H] peephole weights in the order i, f, o; `null` = plain LSTM. */
  peephole: Float32Array | null;
  activation: ActivationName;
  recurrentActivation: ActivationName;
}
/** LSTM backward: the gradients of {@link LstmForwardArgs}'s inputs, states and weights. */
export interface LstmBackwardArgs extends RecurrentBackwardBase {
  /** [B, H] output, overwritten: gradient w.r.t. `c0`; `null` if not wanted. */
  dc0: Float32Array | null;
  /** [3H] accumulated (+=); `null` when there is no peephole. */
  dPeephole: Float32Array | null;
  /** [B, H] gradient w.r.t. `cT`; `null` = zeros. */
  dcT: Float32Array | null;
  /** [B, H] the forward initial cell state; `null` = zeros. */
  c0: Float32Array | null;
  /** [3H] */
  peephole: Float32Array | null;
  activation: ActivationName;
  recurrentActivation: ActivationName;
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
export interface GruForwardArgs extends RecurrentForwardBase {
  resetAfter: boolean;
  activation: ActivationName;
  recurrentActivation: ActivationName;
}
/** GRU backward: the gradients of {@link GruForwardArgs}'s inputs, state and weights. */
export interface GruBackwardArgs extends RecurrentBackwardBase {
  resetAfter: boolean;
  activation: ActivationName;
  recurrentActivation: ActivationName;
}

/**
 * Row-major single-precision GEMM: `c = alpha · op(a) · op(b) + beta · c`, where
 * op(a) is `[M, K]` (`a` stored `[M, K]`, or `[K, M]` when `transA`) and
 * op(b) is `[K, N]` (`b` stored `[K, N]`, or `[N, K]` when `transB`); `c` is `[M, N]`.
 * With `beta = 0`, `c` is overwritten (NaN in `c` does not propagate).
 */
export interface GemmArgs {
  /** [M, N] output. */
  c: Float32Array;
  /** [M, K], or [K, M] when `transA`. */
  a: Float32Array;
  /** [K, N], or [N, K] when `transB`. */
  b: Float32Array;
  M: number;
  N: number;
  K: number;
  transA: boolean;
  transB: boolean;
  alpha: number;
  beta: number;
}
