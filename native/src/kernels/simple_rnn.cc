#include "simple_rnn.h"

#include <cstring>
#include <vector>

#include "gemm.h"
#include "parallel.h"
#include "recurrent_common.h"

namespace rnn {

namespace {

// The forward time loop for batch rows [b0, b1): y already holds x·W_ihᵀ + b_ih + b_hh; each step
// adds h·W_hhᵀ in place and applies the activation.
RNN_SIMD_CLONES
void rnn_forward_rows(const RnnForward& a, const float* h0, int b0, int b1) {
  const int T = a.dims.T, B = a.dims.B, H = a.dims.H;
  const int nb = b1 - b0;
  const std::size_t BH = static_cast<std::size_t>(B) * H;
  const std::size_t off_h = static_cast<std::size_t>(b0) * H;
  const std::size_t nbh = static_cast<std::size_t>(nb) * H;
  std::vector<float> hm_scratch(a.recurrent_mask ? nbh : 0);  // [nb, H] m ⊙ h

  for (int s = 0; s < T; ++s) {
    const int t = time_of_step(s, T, a.reverse);
    const float* h_prev = previous_hidden(a.y, h0, t, T, a.reverse, BH);  // [B, H]
    const float* hm = h_prev + off_h;
    if (a.recurrent_mask) {
      for (std::size_t k = 0; k < nbh; ++k) hm_scratch[k] = a.recurrent_mask[off_h + k] * hm[k];
      hm = hm_scratch.data();
    }
    float* y_t = a.y + t * BH + off_h;  // [nb, H]
    sgemm(false, true, nb, H, H, 1.0f, hm, H, a.w_hh, H, 1.0f, y_t, H);
    activate_inplace(a.activation, y_t, nbh);
    if (a.mask) {
      for (int b = b0; b < b1; ++b) {
        if (step_counts(a.mask, t, B, b)) continue;
        const std::size_t row = static_cast<std::size_t>(b) * H;
        std::memcpy(a.y + t * BH + row, h_prev + row, H * sizeof(float));  // padding carries the state
      }
    }
  }
}

// The backward time loop for batch rows [b0, b1). dpre [T, B, H], dh [B, H] (rows b0..b1 touched).
RNN_SIMD_CLONES
void rnn_backward_rows(const RnnBackward& a, float* dpre, float* dh, int b0, int b1) {
  const int T = a.dims.T, B = a.dims.B, H = a.dims.H;
  const int nb = b1 - b0;
  const std::size_t BH = static_cast<std::size_t>(B) * H;
  const std::size_t off_h = static_cast<std::size_t>(b0) * H;
  const std::size_t nbh = static_cast<std::size_t>(nb) * H;
  std::vector<float> dh_rec(nbh);  // [nb, H] dpre_t · W_hh
  std::vector<float> d_act(H);     // [H] act'(y_t) of one row

  for (int s = T - 1; s >= 0; --s) {
    const int t = time_of_step(s, T, a.reverse);
    const float* y_t = a.y + t * BH;     // [B, H]
    float* dp_t = dpre + t * BH;         // [B, H]
    if (a.dy) {
      const float* dy_t = a.dy + t * BH;
      for (std::size_t k = off_h; k < off_h + nbh; ++k) dh[k] += dy_t[k];
    }
    for (int b = b0; b < b1; ++b) {
      const std::size_t row = static_cast<std::size_t>(b) * H;
      if (!step_counts(a.mask, t, B, b)) {
        std::memset(dp_t + row, 0, H * sizeof(float));
        continue;
      }
      derivatives_from_output(a.activation, y_t + row, d_act.data(), H);
      for (int k = 0; k < H; ++k) dp_t[row + k] = dh[row + k] * d_act[k];
    }
    propagate_hidden_gradient(dh, dh_rec.data(), dp_t + off_h, a.w_hh, H, a, t, b0, b1);
  }
}

}  // namespace

void rnn_forward(const RnnForward& a, KernelContext&) {
  const int T = a.dims.T, B = a.dims.B, I = a.dims.I, H = a.dims.H;
  const std::size_t BH = static_cast<std::size_t>(B) * H;

  // The input projection goes straight into y, with b_hh folded into its bias.
  const std::vector<float> bias = folded_bias(a.b_ih, a.b_hh, H, H);  // [H]
  input_projection(a.y, a.x, a.w_ih, bias.empty() ? nullptr : bias.data(), T * B, H, I);
  std::vector<float> zeros(BH, 0.0f);  // [B, H]
  const float* h0 = a.h0 ? a.h0 : zeros.data();

  const bool split = should_split_rows(B, static_cast<long long>(T) * B * H * H);
  for_row_halves(B, split, [&](int b0, int b1) { rnn_forward_rows(a, h0, b0, b1); });
  std::memcpy(a.h_T, a.y + static_cast<std::size_t>(time_of_step(T - 1, T, a.reverse)) * BH, BH * sizeof(float));
}

void rnn_backward(const RnnBackward& a, KernelContext& context) {
  const int T = a.dims.T, B = a.dims.B, H = a.dims.H;
  const std::size_t BH = static_cast<std::size_t>(B) * H;

  std::vector<float> zeros(BH, 0.0f);  // [B, H]
  // dpre [T, B, H] pre-activation grads, then hprev [T, B, H] m ⊙ h_{t-1}: all written before read.
  float* dpre = context.scratch.floats(2 * static_cast<std::size_t>(T) * BH);
  float* hprev = dpre + static_cast<std::size_t>(T) * BH;
  std::vector<float> dh(BH, 0.0f);                             // [B, H] running dL/dh
  if (a.dh_T) std::memcpy(dh.data(), a.dh_T, BH * sizeof(float));
  const float* h0 = a.h0 ? a.h0 : zeros.data();

  const bool split = should_split_rows(B, static_cast<long long>(T) * B * H * H);
  for_row_halves(B, split, [&](int b0, int b1) { rnn_backward_rows(a, dpre, dh.data(), b0, b1); });
  if (a.dh0) std::memcpy(a.dh0, dh.data(), BH * sizeof(float));

  gather_previous_hidden(hprev, a.y, h0, a.recurrent_mask, a.dims, a.reverse);
  sgemm(true, false, H, H, T * B, 1.0f, dpre, H, hprev, H, 1.0f, a.dw_hh, H);
  // db_ih and db_hh are the same column sums of dpre: sum once, add to both.
  float* db = a.db_hh ? a.db_hh : a.db_ih;
  if (db) accumulate_column_sums(db, dpre, T * B, H, H, a.db_hh ? a.db_ih : nullptr);
  accumulate_input_side(a, dpre, H, false);
}

}  // namespace rnn
