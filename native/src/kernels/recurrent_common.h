// Pieces every recurrent kernel shares: step order, the big input-side GEMMs, bias sums.
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

// The hidden state as it enters the recurrent GEMM: m ⊙ h with a recurrent dropout mask, else h.
// scratch: [B, H], used only with a mask.
const float* masked_hidden(const float* h, const float* recurrent_mask, float* scratch, std::size_t BH);

// xproj = x · w_ihᵀ + b_ih for all T·B rows at once. xproj [T·B, GH], x [T·B, I], w_ih [GH, I].
void input_projection(float* xproj, const float* x, const float* w_ih, const float* b_ih, int rows, int GH, int I);

// The bias of the input projection with b_hh folded in: b_ih[c] + b_hh[c] for c < fold_cols,
// b_ih[c] for the rest (either may be null). Empty when both are null. [GH]
std::vector<float> folded_bias(const float* b_ih, const float* b_hh, int GH, int fold_cols);

// The transpose [cols, rows] of m [rows, cols].
std::vector<float> transposed(const float* m, int rows, int cols);

// m[r, c] += bias[c] for r < rows, c < cols; m has leading dimension ld.
void add_bias_rows(float* m, const float* bias, int rows, int cols, int ld);

// out[c] += Σ_r m[r, c]; m [rows, ld], summed in double so long sequences do not lose digits.
// out2, when given, gets the same sums added (db_ih and db_hh of LSTM / SimpleRNN are equal).
void accumulate_column_sums(float* out, const float* m, int rows, int cols, int ld, float* out2 = nullptr);


// hprev [T, B, H]: for every time index, the (recurrent-masked) state that entered W_hh at that step.
void gather_previous_hidden(float* hprev, const float* y, const float* h0, const float* recurrent_mask,
                            const SequenceDims& dims, bool reverse);

// dw [M, H] (ld H) += Σ_t dg_tᵀ · (m ⊙ h_{t-1}); dg [T·B, M] with leading dimension ldg. With hprev
// ([T, B, H], gather_previous_hidden) one GEMM; without (no recurrent mask) y itself, shifted by one
// step, plus h0 (may be null = zeros) for the first step processed: no [T, B, H] copy.
void accumulate_recurrent_weight_grad(float* dw, const float* dg, int M, int ldg, const float* hprev, const float* y,
                                      const float* h0, const SequenceDims& dims, bool reverse);

// One backward step for rows [b0, b1) at time t: dh_{t-1} = m ⊙ (dG_t · W_hh) for the rows that
// stepped; padded rows keep the dh they carry. dg_rows [b1 − b0, G·H] are those rows' gate
// gradients, w_hh [G·H, H], dh [B, H], dh_rec [b1 − b0, H] scratch for the GEMM's result.
void propagate_hidden_gradient(float* dh, float* dh_rec, const float* dg_rows, const float* w_hh, int GH,
                               const RecurrentBackward& a, int t, int b0, int b1);

// After the backward loop, the input side at once: dW_ih += dGᵀ·X, dx = dG·W_ih, db_ih += Σ dG.
// dgates [T·B, GH].
void accumulate_input_side(const RecurrentBackward& a, const float* dgates, int GH, bool bias_sum = true);

}  // namespace rnn
