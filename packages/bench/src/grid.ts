import type { CellKind } from '@rnn/backend-api';

/** The three recurrent cells the bench times, by their CLI name. */
export const CELLS: readonly CellKind[] = ['lstm', 'gru', 'rnn'];

/** Gate count G per cell (LSTM i,f,g,o; GRU r,z,n; SimpleRNN one). */
export const GATE_COUNT: Readonly<Record<CellKind, number>> = { lstm: 4, gru: 3, rnn: 1 };

/** Named problem sizes. */
export type ConfigName = 'small' | 'medium' | 'large';

/** Sizes of one bench problem: batch B, steps T, input features I, hidden units H. */
export interface Dims {
  B: number;
  T: number;
  I: number;
  H: number;
}

/** The grid's problem sizes. */
export const CONFIGS: Readonly<Record<ConfigName, Dims>> = {
  small: { B: 32, T: 20, I: 8, H: 32 },
  medium: { B: 64, T: 50, I: 64, H: 128 },
  large: { B: 64, T: 100, I: 256, H: 512 },
};

/** Config names in grid order. */
export const CONFIG_NAMES: readonly ConfigName[] = ['small', 'medium', 'large'];

/**
 * What one timed call does. `infer`: `predict` on one batch (recurrent layer, last step → Dense(1)).
 * `train`: one `trainOnBatch` (forward → Dense(1) → MSE → backward → Adam update).
 */
export type Mode = 'infer' | 'train';

/** Modes in grid order. */
export const MODES: readonly Mode[] = ['infer', 'train'];

/**
 * `--mode serve`: K concurrent callers, each predicting one sequence of the medium shape, for a
 * fixed time, on LSTM and GRU.
 */
export const SERVE_DIMS: Readonly<Dims> = { B: 1, T: 50, I: 64, H: 128 };

/** The cells served by `--mode serve`. */
export const SERVE_CELLS: readonly CellKind[] = ['lstm', 'gru'];

/** Backends served, in table order (tfjs is not). */
export const SERVE_BACKENDS: readonly BenchBackend[] = ['native', 'fallback', 'pytorch', 'onnxruntime'];

/** Our two backends, run through the public API with `RNN_BACKEND` set. */
export type OwnBackend = 'native' | 'fallback';

/** Peers timed on the same shapes for comparison. */
export type PeerBackend = 'pytorch' | 'onnxruntime' | 'tfjs-cpu' | 'tfjs-wasm';

/** Everything that can appear in a result's `backend` column. */
export type BenchBackend = OwnBackend | PeerBackend;

/** Backends in table order. */
export const BACKENDS: readonly BenchBackend[] = ['native', 'fallback', 'pytorch', 'onnxruntime', 'tfjs-cpu', 'tfjs-wasm'];

/** One cell of the grid. */
export interface BenchCase {
  cell: CellKind;
  config: ConfigName;
  mode: Mode;
  backend: BenchBackend;
}

/**
 * Floating-point operations of one forward pass of the recurrent layer: the input projection and
 * the recurrent GEMM of every step, 2·B·T·G·H·(I+H). Pointwise gate math and the Dense head are
 * left out (they are O(B·T·H), small next to the GEMMs).
 */
export function forwardFlops(cell: CellKind, dims: Dims): number {
  const { B, T, I, H } = dims;
  return 2 * B * T * GATE_COUNT[cell] * H * (I + H);
}

/** FLOPs of one timed call: a training step counts as three forwards (forward + two backward GEMMs). */
export function caseFlops(cell: CellKind, mode: Mode, dims: Dims): number {
  return (mode === 'train' ? 3 : 1) * forwardFlops(cell, dims);
}

/**
 * Whether a peer is run on a grid cell by default. tfjs dispatches one op per time step from
 * JavaScript and is slow, so it runs only where a few repetitions fit in seconds: tfjs-cpu on the
 * small and medium configs, tfjs-wasm on the medium LSTM training step (the headline comparison)
 * and the small configs. ONNX Runtime only infers.
 */
export function peerRunsByDefault(backend: PeerBackend, c: Omit<BenchCase, 'backend'>): boolean {
  switch (backend) {
    case 'pytorch':
      return true;
    case 'onnxruntime':
      return c.mode === 'infer';
    case 'tfjs-cpu':
      return c.config !== 'large';
    case 'tfjs-wasm':
      return c.config === 'small' || (c.config === 'medium' && c.cell === 'lstm' && c.mode === 'train');
  }
}
