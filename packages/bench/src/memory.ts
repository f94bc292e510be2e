import type { CellKind } from '@rnn/backend-api';
import { GATE_COUNT, type Dims, type Mode } from './grid';

/** The floats a bench step cannot do without, by kind (bytes = 4 × floats). */
export interface MemoryNeed {
  /** Recurrent weights and biases (G·H·(I+H) + 2·G·H) plus Dense(1) (H + 1). */
  weights: number;
  /** Gradients, one per weight (training only). */
  grads: number;
  /** Adam's first and second moments, two per weight (training only). */
  optimizer: number;
  /**
   * What the forward pass holds: the time-major input `[T, B, I]`, the outputs `[T, B, H]` and
   * the input projection / gate activations `[T, B, G·H]`; training adds the rest of the backward
   * workspace (LSTM cell states / GRU's extra `[T, B, H]`) and the backward's own buffers
   * (dGates `[T, B, G·H]`, dY `[T, B, H]`, dX `[T, B, I]`).
   */
  activations: number;
  /** Sum, in MiB. */
  totalMb: number;
}

/** The minimum memory a step needs, from the sizes alone (what an ideal implementation keeps). */
export function memoryNeed(cell: CellKind, mode: Mode, dims: Dims): MemoryNeed {
  const { B, T, I, H } = dims;
  const G = GATE_COUNT[cell];
  const weights = G * H * (I + H) + 2 * G * H + H + 1;
  const rows = T * B;
  const forward = rows * I + rows * H + rows * G * H;
  const extraState = cell === 'rnn' ? 0 : rows * H; // LSTM c [T,B,H] or GRU extra [T,B,H]
  const backward = rows * G * H + rows * H + rows * I;
  const train = mode === 'train';
  const grads = train ? weights : 0;
  const optimizer = train ? 2 * weights : 0;
  const activations = train ? forward + extraState + backward : forward;
  const totalMb = ((weights + grads + optimizer + activations) * 4) / (1024 * 1024);
  return { weights, grads, optimizer, activations, totalMb };
}
