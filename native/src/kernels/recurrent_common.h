// Pieces the recurrent kernels share outside their per-step math: step order, the big all-steps
// GEMMs (input projection, dW_ih, dW_hh, dx), bias sums, and the per-step row operations of the
// sequence driver (sequence_driver.h).
#pragma once

#include <cstddef>
#include <vector>

#include "sequence_args.h"

namespace rnn {

// The time index of processing step s (s = 0 is processed first).
inline int time_of_step(int s, int T, bool reverse) { return reverse ? T - 1 - s : s; }

// h_{t-1} in processing order: the output at the previously processed time index, or the initial
// state for the first step processed. Masked steps repeat the carried state in y, so y[t_prev]
// always is the state that step t starts from.
inline const float* previous_hidden(const float* y, const float* h0, int t, int T, bool reverse, std::size_t BH) {
  const bool first = reverse ? t == T - 1 : t == 0;
  if (first) return h0;
  return y + static_cast<std::size_t>(reverse ? t + 1 : t - 1) * BH;
}

// Step t's input rows in x, and the distance between consecutive rows of the batch: x is [T, B, I]
// (step t one contiguous block), or [B, T, I] with batch_first (row b's steps contiguous).
inline const float* step_input_rows(const RecurrentForward& a, int t) {
  return a.x + static_cast<std::size_t>(t) * (a.batch_first ? 1 : a.B) * a.I;
}
inline std::size_t input_row_stride(const RecurrentForward& a) {
  return static_cast<std::size_t>(a.batch_first ? a.T : 1) * a.I;
}

// --- Per step, for batch rows [b0, b1) of [B, H] buffers -------------------------------------------

// h as it enters W_hh: m ⊙ h written to scratch rows b0..b1 (and scratch returned) with a recurrent
// mask m [B, H], else h itself.
const float* masked_rows(const float* h, const float* recurrent_mask, float* scratch, int b0, int b1, int H);

// Padding: rows whose mask[t, b] is 0 take src's row (the state carried through the step).
void carry_padded_rows(float* dst, const float* src, const float* mask, int t, int B, int b0, int b1, int H);

// dh[b0..b1) += dy_t[b0..b1).
void add_rows(float* dh, const float* dy_t, int b0, int b1, int H);

// dL/dh_{t-1} for the rows that stepped: direct + m ⊙ rec (direct may be null = 0, m null = 1).
// Padded rows keep the dh they carry.
void combine_hidden_gradient(float* dh, const float* direct, const float* rec, const float* recurrent_mask,
                             const float* mask, int t, int B, int b0, int b1, int H);

// --- All steps at once --------------------------------------------------------------------------------

// The bias of the input pre-activations [GH]: b_ih + b_hh in the first fold_cols columns, b_ih
// alone after them; empty when both are null.
std::vector<float> folded_bias(const float* b_ih, const float* b_hh, int GH, int fold_cols);

// pre = x · w_ihᵀ + b_ih + b_hh for all T·B rows at once, b_hh folded in for the first fold_cols
// columns only (a cell whose recurrent bias must stay inside its gate math keeps the rest out).
// pre [T, B, GH] (time-major whatever x's layout); either bias may be null.
void project_inputs(const RecurrentForward& a, float* pre, int GH, int fold_cols);

// The transpose [cols, rows] of m [rows, cols].
std::vector<float> transposed(const float* m, int rows, int cols);

// out[c] += Σ_r m[r, c]; m [rows, ld], summed in double so long sequences do not lose digits.
// out2, when given, gets the same sums added.
void accumulate_column_sums(float* out, const float* m, int rows, int cols, int ld, float* out2 = nullptr);

// hprev [T, B, H]: for every time index, the (recurrent-masked) state that entered W_hh at that step
// (h0: the initial state, zeros when the call has none).
void gather_previous_hidden(float* hprev, const RecurrentBackward& a, const float* h0);

// dw [M, H] (ld H) += Σ_t dg_tᵀ · (m ⊙ h_{t-1}); dg [T·B, M] with leading dimension ldg. With hprev
// ([T, B, H], gather_previous_hidden) one GEMM; without (no recurrent mask) a.y itself, shifted by
// one step, plus a.h0 (null = zeros) for the first step processed: no [T, B, H] copy.
void accumulate_recurrent_weight_grad(float* dw, const float* dg, int M, int ldg, const float* hprev,
                                      const RecurrentBackward& a);

// dW_hh and both bias gradients of a cell whose recurrent side sees the same gate gradients as its
// input side (LSTM, SimpleRNN): dgates [T·B, GH], hprev as above or null. db_ih and db_hh are the
// same column sums: summed once, added to both.
void accumulate_shared_gate_grads(const RecurrentBackward& a, const float* dgates, int GH, const float* hprev);

// The input side after the backward loop: dW_ih += dGᵀ·X and dx = dG·W_ih. dgates [T·B, GH].
void accumulate_input_side(const RecurrentBackward& a, const float* dgates, int GH);

}  // namespace rnn
