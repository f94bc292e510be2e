#include "gru.h"

#include <cstring>
#include <vector>

#include "gemm.h"
#include "recurrent_common.h"

namespace rnn {

void gru_forward(const GruForward& a) {
  const int T = a.dims.T, B = a.dims.B, I = a.dims.I, H = a.dims.H;
  const int GH = 3 * H;
  const std::size_t BH = static_cast<std::size_t>(B) * H;
  const std::size_t BGH = static_cast<std::size_t>(B) * GH;

  std::vector<float> xproj(static_cast<std::size_t>(T) * BGH);  // [T, B, 3H]
  input_projection(xproj.data(), a.x, a.w_ih, a.b_ih, T * B, GH, I);

  std::vector<float> zeros(BH, 0.0f);                        // [B, H]
  std::vector<float> hm_scratch(a.recurrent_mask ? BH : 0);  // [B, H] m ⊙ h
  std::vector<float> hh(BGH);                                // [B, 3H] recurrent pre-activations
  std::vector<float> gates_scratch(a.workspace ? 0 : BGH);   // [B, 3H] without workspace
  std::vector<float> extra_scratch(a.workspace ? 0 : BH);    // [B, H] without workspace
  const float* h0 = a.h0 ? a.h0 : zeros.data();
  float* ws_gates = a.workspace;                                                          // [T, B, 3H]
  float* ws_extra = a.workspace ? a.workspace + static_cast<std::size_t>(T) * BGH : nullptr;  // [T, B, H]
  const float* w_hn = a.w_hh + static_cast<std::size_t>(2) * H * H;  // [H, H] rows of the n gate

  for (int s = 0; s < T; ++s) {
    const int t = time_of_step(s, T, a.reverse);
    const float* h_prev = previous_hidden(a.y, h0, t, T, a.reverse, BH);        // [B, H]
    const float* hm = masked_hidden(h_prev, a.recurrent_mask, hm_scratch.data(), BH);
    const float* xp = xproj.data() + t * BGH;                                   // [B, 3H]
    float* gates = ws_gates ? ws_gates + t * BGH : gates_scratch.data();       // [B, 3H]
    float* extra = ws_extra ? ws_extra + t * BH : extra_scratch.data();        // [B, H]
    float* y_t = a.y + t * BH;                                                  // [B, H]

    // r and z (and with reset_after also n) recurrent parts in one GEMM.
    const int first_cols = a.reset_after ? GH : 2 * H;
    sgemm(false, true, B, first_cols, H, 1.0f, hm, H, a.w_hh, H, 0.0f, hh.data(), GH);
    if (a.b_hh) add_bias_rows(hh.data(), a.b_hh, B, first_cols, GH);
    for (int b = 0; b < B; ++b) {
      const std::size_t g = static_cast<std::size_t>(b) * GH;
      for (int k = 0; k < 2 * H; ++k) gates[g + k] = xp[g + k] + hh[g + k];
      activate_inplace(a.recurrent_activation, gates + g, 2 * static_cast<std::size_t>(H));  // r, z
      const float* r = gates + g;
      const float* hmb = hm + static_cast<std::size_t>(b) * H;
      float* ex = extra + static_cast<std::size_t>(b) * H;
      if (a.reset_after) {
        for (int k = 0; k < H; ++k) ex[k] = hh[g + 2 * H + k];
      } else {
        for (int k = 0; k < H; ++k) ex[k] = r[k] * hmb[k];
      }
    }
    if (!a.reset_after) {
      // The n gate's recurrent part needs r first: W_hn (r ⊙ m ⊙ h) + b_hn.
      sgemm(false, true, B, H, H, 1.0f, extra, H, w_hn, H, 0.0f, hh.data() + 2 * H, GH);
      if (a.b_hh) add_bias_rows(hh.data() + 2 * H, a.b_hh + 2 * H, B, H, GH);
    }
    for (int b = 0; b < B; ++b) {
      const std::size_t g = static_cast<std::size_t>(b) * GH;
      const float* r = gates + g;
      const float* z = r + H;
      float* n = gates + g + 2 * H;
      const float* hn_part = hh.data() + g + 2 * H;
      if (a.reset_after) {
        for (int k = 0; k < H; ++k) n[k] = xp[2 * H + g + k] + r[k] * hn_part[k];
      } else {
        for (int k = 0; k < H; ++k) n[k] = xp[2 * H + g + k] + hn_part[k];
      }
      activate_inplace(a.activation, n, H);
      const float* hp = h_prev + static_cast<std::size_t>(b) * H;
      float* hb = y_t + static_cast<std::size_t>(b) * H;
      if (!step_counts(a.mask, t, B, b)) {
        std::memcpy(hb, hp, H * sizeof(float));  // padding carries the state
        continue;
      }
      for (int k = 0; k < H; ++k) hb[k] = (1.0f - z[k]) * n[k] + z[k] * hp[k];
    }
  }
  std::memcpy(a.h_T, a.y + static_cast<std::size_t>(time_of_step(T - 1, T, a.reverse)) * BH, BH * sizeof(float));
}

void gru_backward(const GruBackward& a) {
  const int T = a.dims.T, B = a.dims.B, H = a.dims.H;
  const int GH = 3 * H;
  const std::size_t BH = static_cast<std::size_t>(B) * H;
  const std::size_t BGH = static_cast<std::size_t>(B) * GH;

  std::vector<float> zeros(BH, 0.0f);                              // [B, H]
  std::vector<float> hm_scratch(a.recurrent_mask ? BH : 0);        // [B, H] m ⊙ h
  // Input-side gate gradients [T, B, 3H]; with reset_after the recurrent side differs in the n
  // block (dL/d(W_hn h + b_hn) = da_n ⊙ r), so it gets its own [T, B, 3H].
  std::vector<float> dgates_ih(static_cast<std::size_t>(T) * BGH);
  std::vector<float> dgates_hh(a.reset_after ? static_cast<std::size_t>(T) * BGH : 0);
  std::vector<float> dh(BH, 0.0f);         // [B, H] running dL/dh
  std::vector<float> dh_direct(BH);        // [B, H] z ⊙ dh, the carried path
  std::vector<float> dh_rec(BH);           // [B, H] recurrent GEMM result
  std::vector<float> dextra(a.reset_after ? 0 : BH);  // [B, H] dL/d(r ⊙ m ⊙ h)
  std::vector<float> d_gates(GH);                      // [3H] σ'(r), σ'(z), act'(n) of one row
  if (a.dh_T) std::memcpy(dh.data(), a.dh_T, BH * sizeof(float));
  const float* h0 = a.h0 ? a.h0 : zeros.data();
  const float* ws_gates = a.workspace;                                    // [T, B, 3H]
  const float* ws_extra = a.workspace + static_cast<std::size_t>(T) * BGH;  // [T, B, H]
  const float* w_hn = a.w_hh + static_cast<std::size_t>(2) * H * H;      // [H, H]

  for (int s = T - 1; s >= 0; --s) {
    const int t = time_of_step(s, T, a.reverse);
    const float* h_prev = previous_hidden(a.y, h0, t, T, a.reverse, BH);  // [B, H]
    const float* gates = ws_gates + t * BGH;                               // [B, 3H]
    const float* extra = ws_extra + t * BH;                                // [B, H]
    float* dgi_t = dgates_ih.data() + t * BGH;                             // [B, 3H]
    float* dgh_t = a.reset_after ? dgates_hh.data() + t * BGH : dgi_t;    // [B, 3H]
    if (a.dy) {
      const float* dy_t = a.dy + t * BH;
      for (std::size_t k = 0; k < BH; ++k) dh[k] += dy_t[k];
    }
    for (int b = 0; b < B; ++b) {
      const std::size_t g = static_cast<std::size_t>(b) * GH;
      const std::size_t row = static_cast<std::size_t>(b) * H;
      if (!step_counts(a.mask, t, B, b)) {
        std::memset(dgi_t + g, 0, GH * sizeof(float));
        if (a.reset_after) std::memset(dgh_t + g, 0, GH * sizeof(float));
        continue;
      }
      const float* r = gates + g;
      const float* z = r + H;
      const float* n = r + 2 * H;
      const float* hp = h_prev + row;
      const float* dhb = dh.data() + row;
      derivatives_from_output(a.recurrent_activation, r, d_gates.data(), 2 * static_cast<std::size_t>(H));  // r, z
      derivatives_from_output(a.activation, n, d_gates.data() + 2 * H, H);
      const float* d_r = d_gates.data();
      const float* d_z = d_r + H;
      const float* d_n = d_r + 2 * H;
      for (int k = 0; k < H; ++k) {
        const float dan = dhb[k] * (1.0f - z[k]) * d_n[k];
        const float daz = dhb[k] * (hp[k] - n[k]) * d_z[k];
        dgi_t[g + H + k] = daz;
        dgi_t[g + 2 * H + k] = dan;
        dh_direct[row + k] = dhb[k] * z[k];
        if (a.reset_after) {
          const float dar = dan * extra[row + k] * d_r[k];
          dgi_t[g + k] = dar;
          dgh_t[g + k] = dar;
          dgh_t[g + H + k] = daz;
          dgh_t[g + 2 * H + k] = dan * r[k];
        }
      }
    }
    if (a.reset_after) {
      sgemm(false, false, B, H, GH, 1.0f, dgh_t, GH, a.w_hh, H, 0.0f, dh_rec.data(), H);
    } else {
      // dL/d(r ⊙ m ⊙ h) = da_n · W_hn, which gives dr; then the r, z rows of W_hh.
      sgemm(false, false, B, H, H, 1.0f, dgi_t + 2 * H, GH, w_hn, H, 0.0f, dextra.data(), H);
      const float* hm = masked_hidden(h_prev, a.recurrent_mask, hm_scratch.data(), BH);
      for (int b = 0; b < B; ++b) {
        if (!step_counts(a.mask, t, B, b)) continue;
        const std::size_t g = static_cast<std::size_t>(b) * GH;
        const std::size_t row = static_cast<std::size_t>(b) * H;
        derivatives_from_output(a.recurrent_activation, gates + g, d_gates.data(), H);  // σ'(r)
        for (int k = 0; k < H; ++k) dgi_t[g + k] = dextra[row + k] * hm[row + k] * d_gates[k];
      }
      sgemm(false, false, B, H, 2 * H, 1.0f, dgi_t, GH, a.w_hh, H, 0.0f, dh_rec.data(), H);
    }
    for (int b = 0; b < B; ++b) {
      if (!step_counts(a.mask, t, B, b)) continue;  // padded rows keep their dh
      const std::size_t g = static_cast<std::size_t>(b) * GH;
      const std::size_t row = static_cast<std::size_t>(b) * H;
      for (int k = 0; k < H; ++k) {
        const float m = a.recurrent_mask ? a.recurrent_mask[row + k] : 1.0f;
        float through_gemm = dh_rec[row + k];
        if (!a.reset_after) through_gemm += gates[g + k] * dextra[row + k];  // via r ⊙ (m ⊙ h)
        dh[row + k] = dh_direct[row + k] + m * through_gemm;
      }
    }
  }
  if (a.dh0) std::memcpy(a.dh0, dh.data(), BH * sizeof(float));

  std::vector<float> hprev(static_cast<std::size_t>(T) * BH);  // [T, B, H] m ⊙ h_{t-1}
  gather_previous_hidden(hprev.data(), a.y, h0, a.recurrent_mask, a.dims, a.reverse);
  const int rows = T * B;
  if (a.reset_after) {
    sgemm(true, false, GH, H, rows, 1.0f, dgates_hh.data(), GH, hprev.data(), H, 1.0f, a.dw_hh, H);
    if (a.db_hh) accumulate_column_sums(a.db_hh, dgates_hh.data(), rows, GH, GH);
  } else {
    // r, z rows multiply m ⊙ h; the n rows multiply r ⊙ m ⊙ h, kept in the workspace.
    sgemm(true, false, 2 * H, H, rows, 1.0f, dgates_ih.data(), GH, hprev.data(), H, 1.0f, a.dw_hh, H);
    sgemm(true, false, H, H, rows, 1.0f, dgates_ih.data() + 2 * H, GH, ws_extra, H, 1.0f,
          a.dw_hh + static_cast<std::size_t>(2) * H * H, H);
    if (a.db_hh) accumulate_column_sums(a.db_hh, dgates_ih.data(), rows, GH, GH);
  }
  accumulate_input_side(a, dgates_ih.data(), GH);
}

}  // namespace rnn
