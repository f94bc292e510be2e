/** Pointwise activations a kernel can apply, by Keras name. Derivatives are taken from outputs. */
export type ActivationName = 'tanh' | 'sigmoid' | 'relu' | 'linear' | 'hardSigmoid';

/** Every activation a kernel accepts, for validation and error messages. */
export const ACTIVATION_NAMES: readonly ActivationName[] = ['tanh', 'sigmoid', 'relu', 'linear', 'hardSigmoid'];

/** The three recurrent cells. */
export type CellKind = 'lstm' | 'gru' | 'rnn';

/** Gate count G per cell: rows of `wIh`/`wHh` are `G·H`. */
export const GATES: Readonly<Record<CellKind, number>> = { lstm: 4, gru: 3, rnn: 1 };

/**
 * The workspace forward leaves for backward, in `[T, B, H]` blocks: LSTM its 4 gates and the cell
 * state, GRU its 3 gates and one extra block, SimpleRNN none (`y` already holds its activations).
 * The layout is in `workspace.ts`.
 */
export const WORKSPACE_BLOCKS: Readonly<Record<CellKind, number>> = { lstm: 5, gru: 4, rnn: 0 };
