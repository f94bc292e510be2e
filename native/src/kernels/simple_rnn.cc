#include "simple_rnn.h"

#include <cstring>
#include <vector>

#include "gemm.h"
#include "recurrent_common.h"

namespace rnn {

void rnn_forward(const RnnForward& a) {
  const int T = a.dims.T, B = a.dims.B, I = a.dims.I, H = a.dims.H;
  const std::size_t BH = static_cast<std::size_t>(B) * H;

  std::vector<float> xproj(static_cast<std::size_t>(T) * BH);  // [T, B, H]
  input_projection(xproj.data(), a.x, a.w_ih, a.b_ih, T * B, H, I);
  std::vector<float> zeros(BH, 0.0f);                        // [B, H]
  std::vector<float> hm_scratch(a.recurrent_mask ? BH : 0);  // [B, H] m ⊙ h
  const float* h0 = a.h0 ? a.h0 : zeros.data();

  for (int s = 0; s < T; ++s) {
    const int t = time_of_step(s, T, a.reverse);
    const float* h_prev = previous_hidden(a.y, h0, t, T, a.reverse, BH);  // [B, H]
    const float* hm = masked_hidden(h_prev, a.recurrent_mask, hm_scratch.data(), BH);
    float* y_t = a.y + t * BH;                                              // [B, H]
    std::memcpy(y_t, xproj.data() + t * BH, BH * sizeof(float));
    sgemm(false, true, B, H, H, 1.0f, hm, H, a.w_hh, H, 1.0f, y_t, H);
    if (a.b_hh) add_bias_rows(y_t, a.b_hh, B, H, H);
    activate_inplace(a.activation, y_t, BH);
    if (a.mask) {
      for (int b = 0; b < B; ++b) {
        if (step_counts(a.mask, t, B, b)) continue;
        const std::size_t row = static_cast<std::size_t>(b) * H;
        std::memcpy(y_t + row, h_prev + row, H * sizeof(float));  // padding carries the state
      }
    }
  }
  std::memcpy(a.h_T, a.y + static_cast<std::size_t>(time_of_step(T - 1, T, a.reverse)) * BH, BH * sizeof(float));
}

void rnn_backward(const RnnBackward& a) {
  const int T = a.dims.T, B = a.dims.B, H = a.dims.H;
  const std::size_t BH = static_cast<std::size_t>(B) * H;

  std::vector<float> zeros(BH, 0.0f);                          // [B, H]
  std::vector<float> dpre(static_cast<std::size_t>(T) * BH);   // [T, B, H] pre-activation grads
  std::vector<float> dh(BH, 0.0f);                             // [B, H] running dL/dh
  std::vector<float> dh_rec(BH);                               // [B, H] dpre_t · W_hh
  std::vector<float> d_act(H);                                 // [H] act'(y_t) of one row
  if (a.dh_T) std::memcpy(dh.data(), a.dh_T, BH * sizeof(float));
  const float* h0 = a.h0 ? a.h0 : zeros.data();

  for (int s = T - 1; s >= 0; --s) {
    const int t = time_of_step(s, T, a.reverse);
    const float* y_t = a.y + t * BH;        // [B, H]
    float* dp_t = dpre.data() + t * BH;     // [B, H]
    if (a.dy) {
      const float* dy_t = a.dy + t * BH;
      for (std::size_t k = 0; k < BH; ++k) dh[k] += dy_t[k];
    }
    for (int b = 0; b < B; ++b) {
      const std::size_t row = static_cast<std::size_t>(b) * H;
      if (!step_counts(a.mask, t, B, b)) {
        std::memset(dp_t + row, 0, H * sizeof(float));
        continue;
      }
      derivatives_from_output(a.activation, y_t + row, d_act.data(), H);
      for (int k = 0; k < H; ++k) dp_t[row + k] = dh[row + k] * d_act[k];
    }
    sgemm(false, false, B, H, H, 1.0f, dp_t, H, a.w_hh, H, 0.0f, dh_rec.data(), H);
    for (int b = 0; b < B; ++b) {
      if (!step_counts(a.mask, t, B, b)) continue;  // padded rows keep their dh
      const std::size_t row = static_cast<std::size_t>(b) * H;
      for (int k = 0; k < H; ++k) {
        const float m = a.recurrent_mask ? a.recurrent_mask[row + k] : 1.0f;
        dh[row + k] = m * dh_rec[row + k];
      }
    }
  }
  if (a.dh0) std::memcpy(a.dh0, dh.data(), BH * sizeof(float));

  std::vector<float> hprev(static_cast<std::size_t>(T) * BH);  // [T, B, H] m ⊙ h_{t-1}
  gather_previous_hidden(hprev.data(), a.y, h0, a.recurrent_mask, a.dims, a.reverse);
  sgemm(true, false, H, H, T * B, 1.0f, dpre.data(), H, hprev.data(), H, 1.0f, a.dw_hh, H);
  if (a.db_hh) accumulate_column_sums(a.db_hh, dpre.data(), T * B, H, H);
  accumulate_input_side(a, dpre.data(), H);
}

}  // namespace rnn
