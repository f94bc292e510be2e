#include "gru.h"

#include <cstring>
#include <vector>

#include "gemm.h"
#include "parallel.h"
#include "recurrent_common.h"

namespace rnn {

namespace {

// The forward time loop for batch rows [b0, b1). gates_all [T, B, 3H] holds x·W_ihᵀ + b_ih with
// b_hh folded in (r, z blocks; also n without reset_after) and becomes the activated gates in place;
// extra_all [T, B, H] (workspace) or [B, H] (scratch without one).
RNN_SIMD_CLONES
void gru_forward_rows(const GruForward& a, float* gates_all, float* extra_all, bool extra_per_step,
                      const float* h0, int b0, int b1) {
  const int T = a.dims.T, B = a.dims.B, H = a.dims.H;
  const int GH = 3 * H;
  const int nb = b1 - b0;
  const std::size_t BH = static_cast<std::size_t>(B) * H;
  const std::size_t BGH = static_cast<std::size_t>(B) * GH;
  const std::size_t off_h = static_cast<std::size_t>(b0) * H;
  const std::size_t off_g = static_cast<std::size_t>(b0) * GH;
  std::vector<float> hm_scratch(a.recurrent_mask ? BH : 0);  // [B, H] m ⊙ h (rows b0..b1 used)
  std::vector<float> hh_own(BGH);  // [B, 3H] recurrent pre-activations (rows b0..b1 used)
  float* hh = hh_own.data();
  const float* w_hn = a.w_hh + static_cast<std::size_t>(2) * H * H;  // [H, H] rows of the n gate
  const float* b_hn = a.b_hh ? a.b_hh + 2 * H : nullptr;

  for (int s = 0; s < T; ++s) {
    const int t = time_of_step(s, T, a.reverse);
    const float* h_prev = previous_hidden(a.y, h0, t, T, a.reverse, BH);   // [B, H]
    const float* hm = h_prev;
    if (a.recurrent_mask) {
      for (std::size_t k = off_h; k < off_h + static_cast<std::size_t>(nb) * H; ++k)
        hm_scratch[k] = a.recurrent_mask[k] * h_prev[k];
      hm = hm_scratch.data();
    }
    float* gates = gates_all + t * BGH;                                     // [B, 3H]
    float* extra = extra_all + (extra_per_step ? t * BH : 0);               // [B, H]
    float* y_t = a.y + t * BH;                                              // [B, H]

    // r and z (and with reset_after also n) recurrent parts in one GEMM.
    const int first_cols = a.reset_after ? GH : 2 * H;
    sgemm(false, true, nb, first_cols, H, 1.0f, hm + off_h, H, a.w_hh, H, 0.0f, hh + off_g, GH);
    for (int b = b0; b < b1; ++b) {
      const std::size_t g = static_cast<std::size_t>(b) * GH;
      for (int k = 0; k < 2 * H; ++k) gates[g + k] += hh[g + k];
      activate_inplace(a.recurrent_activation, gates + g, 2 * static_cast<std::size_t>(H));  // r, z
      const float* r = gates + g;
      const float* hmb = hm + static_cast<std::size_t>(b) * H;
      float* ex = extra + static_cast<std::size_t>(b) * H;
      if (a.reset_after) {
        if (b_hn) {
          for (int k = 0; k < H; ++k) ex[k] = hh[g + 2 * H + k] + b_hn[k];
        } else {
          for (int k = 0; k < H; ++k) ex[k] = hh[g + 2 * H + k];
        }
      } else {
        for (int k = 0; k < H; ++k) ex[k] = r[k] * hmb[k];
      }
    }
    if (!a.reset_after) {
      // The n gate's recurrent part needs r first: W_hn (r ⊙ m ⊙ h) (b_hn is in the gates already).
      sgemm(false, true, nb, H, H, 1.0f, extra + off_h, H, w_hn, H, 0.0f, hh + off_g + 2 * H, GH);
    }
    for (int b = b0; b < b1; ++b) {
      const std::size_t g = static_cast<std::size_t>(b) * GH;
      const float* r = gates + g;
      const float* z = r + H;
      float* n = gates + g + 2 * H;
      if (a.reset_after) {
        const float* ex = extra + static_cast<std::size_t>(b) * H;
        for (int k = 0; k < H; ++k) n[k] += r[k] * ex[k];
      } else {
        const float* hn_part = hh + g + 2 * H;
        for (int k = 0; k < H; ++k) n[k] += hn_part[k];
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
}

}  // namespace

void gru_forward(const GruForward& a, KernelContext& context) {
  const int T = a.dims.T, B = a.dims.B, I = a.dims.I, H = a.dims.H;
  const int GH = 3 * H;
  const std::size_t BH = static_cast<std::size_t>(B) * H;
  const std::size_t BGH = static_cast<std::size_t>(B) * GH;

  // The input projection goes straight into the gates; b_hh is folded into its bias for r, z (and
  // n without reset_after; with reset_after b_hn sits inside r ⊙ (W_hn h + b_hn) and cannot move).
  float* gates_all = a.workspace ? a.workspace : context.scratch.floats(static_cast<std::size_t>(T) * BGH);  // [T, B, 3H]
  const std::vector<float> bias = folded_bias(a.b_ih, a.b_hh, GH, a.reset_after ? 2 * H : GH);  // [3H]
  input_projection(gates_all, a.x, a.w_ih, bias.empty() ? nullptr : bias.data(), T * B, GH, I);

  std::vector<float> zeros(BH, 0.0f);                      // [B, H]
  std::vector<float> extra_scratch(a.workspace ? 0 : BH);  // [B, H] without workspace
  float* extra_all = a.workspace ? a.workspace + static_cast<std::size_t>(T) * BGH : extra_scratch.data();
  const float* h0 = a.h0 ? a.h0 : zeros.data();

  const bool split = should_split_rows(B, static_cast<long long>(T) * B * GH * H);
  for_row_halves(B, split, [&](int b0, int b1) {
    gru_forward_rows(a, gates_all, extra_all, a.workspace != nullptr, h0, b0, b1);
  });
  std::memcpy(a.h_T, a.y + static_cast<std::size_t>(time_of_step(T - 1, T, a.reverse)) * BH, BH * sizeof(float));
}

namespace {

// The backward time loop for batch rows [b0, b1). dgates_ih [T, B, 3H] input-side gate gradients;
// dhn [T, B, H] (only with reset_after) dL/d(W_hn h + b_hn) = da_n ⊙ r, the one block where the
// recurrent side differs (r and z are the same on both sides); dh [B, H] running gradient (rows
// b0..b1 touched).
RNN_SIMD_CLONES
void gru_backward_rows(const GruBackward& a, float* dgates_ih, float* dhn, float* dh, const float* h0,
                       int b0, int b1) {
  const int T = a.dims.T, B = a.dims.B, H = a.dims.H;
  const int GH = 3 * H;
  const int nb = b1 - b0;
  const std::size_t BH = static_cast<std::size_t>(B) * H;
  const std::size_t BGH = static_cast<std::size_t>(B) * GH;
  const std::size_t off_h = static_cast<std::size_t>(b0) * H;
  const std::size_t off_g = static_cast<std::size_t>(b0) * GH;
  std::vector<float> hm_scratch(a.recurrent_mask ? BH : 0);  // [B, H] m ⊙ h
  std::vector<float> dh_direct(BH);                          // [B, H] z ⊙ dh, the carried path
  std::vector<float> dh_rec(BH);                             // [B, H] recurrent GEMM result
  std::vector<float> dextra(a.reset_after ? 0 : BH);         // [B, H] dL/d(r ⊙ m ⊙ h)
  std::vector<float> d_gates(GH);                            // [3H] σ'(r), σ'(z), act'(n) of one row
  std::vector<float> dgh(a.reset_after ? BGH : 0);           // [B, 3H] this step's recurrent-side dGates
  const float* ws_gates = a.workspace;                                      // [T, B, 3H]
  const float* ws_extra = a.workspace + static_cast<std::size_t>(T) * BGH;  // [T, B, H]
  const float* w_hn = a.w_hh + static_cast<std::size_t>(2) * H * H;        // [H, H]

  for (int s = T - 1; s >= 0; --s) {
    const int t = time_of_step(s, T, a.reverse);
    const float* h_prev = previous_hidden(a.y, h0, t, T, a.reverse, BH);  // [B, H]
    const float* gates = ws_gates + t * BGH;                               // [B, 3H]
    const float* extra = ws_extra + t * BH;                                // [B, H]
    float* dgi_t = dgates_ih + t * BGH;                                    // [B, 3H]
    float* dgh_t = a.reset_after ? dgh.data() : dgi_t;                    // [B, 3H]
    float* dhn_t = a.reset_after ? dhn + t * BH : nullptr;                 // [B, H]
    if (a.dy) {
      const float* dy_t = a.dy + t * BH;
      for (std::size_t k = off_h; k < off_h + static_cast<std::size_t>(nb) * H; ++k) dh[k] += dy_t[k];
    }
    for (int b = b0; b < b1; ++b) {
      const std::size_t g = static_cast<std::size_t>(b) * GH;
      const std::size_t row = static_cast<std::size_t>(b) * H;
      if (!step_counts(a.mask, t, B, b)) {
        std::memset(dgi_t + g, 0, GH * sizeof(float));
        if (a.reset_after) {
          std::memset(dgh_t + g, 0, GH * sizeof(float));
          std::memset(dhn_t + row, 0, H * sizeof(float));
        }
        continue;
      }
      const float* r = gates + g;
      const float* z = r + H;
      const float* n = r + 2 * H;
      const float* hp = h_prev + row;
      const float* dhb = dh + row;
      derivatives_from_output(a.recurrent_activation, r, d_gates.data(), 2 * static_cast<std::size_t>(H));  // r, z
      derivatives_from_output(a.activation, n, d_gates.data() + 2 * H, H);
      const float* d_r = d_gates.data();
      const float* d_z = d_r + H;
      const float* d_n = d_r + 2 * H;
      if (a.reset_after) {
        for (int k = 0; k < H; ++k) {
          const float dan = dhb[k] * (1.0f - z[k]) * d_n[k];
          const float daz = dhb[k] * (hp[k] - n[k]) * d_z[k];
          const float dar = dan * extra[row + k] * d_r[k];
          dh_direct[row + k] = dhb[k] * z[k];
          dgi_t[g + k] = dar;
          dgi_t[g + H + k] = daz;
          dgi_t[g + 2 * H + k] = dan;
          dgh_t[g + k] = dar;
          dgh_t[g + H + k] = daz;
          const float dhn_k = dan * r[k];
          dgh_t[g + 2 * H + k] = dhn_k;
          dhn_t[row + k] = dhn_k;
        }
      } else {
        for (int k = 0; k < H; ++k) {
          dgi_t[g + H + k] = dhb[k] * (hp[k] - n[k]) * d_z[k];
          dgi_t[g + 2 * H + k] = dhb[k] * (1.0f - z[k]) * d_n[k];
          dh_direct[row + k] = dhb[k] * z[k];
        }
      }
    }
    if (a.reset_after) {
      sgemm(false, false, nb, H, GH, 1.0f, dgh_t + off_g, GH, a.w_hh, H, 0.0f, dh_rec.data() + off_h, H);
    } else {
      // dL/d(r ⊙ m ⊙ h) = da_n · W_hn, which gives dr; then the r, z rows of W_hh.
      sgemm(false, false, nb, H, H, 1.0f, dgi_t + off_g + 2 * H, GH, w_hn, H, 0.0f, dextra.data() + off_h, H);
      const float* hm = h_prev;
      if (a.recurrent_mask) {
        for (std::size_t k = off_h; k < off_h + static_cast<std::size_t>(nb) * H; ++k)
          hm_scratch[k] = a.recurrent_mask[k] * h_prev[k];
        hm = hm_scratch.data();
      }
      for (int b = b0; b < b1; ++b) {
        if (!step_counts(a.mask, t, B, b)) continue;
        const std::size_t g = static_cast<std::size_t>(b) * GH;
        const std::size_t row = static_cast<std::size_t>(b) * H;
        derivatives_from_output(a.recurrent_activation, gates + g, d_gates.data(), H);  // σ'(r)
        for (int k = 0; k < H; ++k) dgi_t[g + k] = dextra[row + k] * hm[row + k] * d_gates[k];
      }
      sgemm(false, false, nb, H, 2 * H, 1.0f, dgi_t + off_g, GH, a.w_hh, H, 0.0f, dh_rec.data() + off_h, H);
    }
    for (int b = b0; b < b1; ++b) {
      if (!step_counts(a.mask, t, B, b)) continue;  // padded rows keep their dh
      const std::size_t g = static_cast<std::size_t>(b) * GH;
      const std::size_t row = static_cast<std::size_t>(b) * H;
      if (a.reset_after) {
        if (a.recurrent_mask) {
          for (int k = 0; k < H; ++k) dh[row + k] = dh_direct[row + k] + a.recurrent_mask[row + k] * dh_rec[row + k];
        } else {
          for (int k = 0; k < H; ++k) dh[row + k] = dh_direct[row + k] + dh_rec[row + k];
        }
      } else {
        for (int k = 0; k < H; ++k) {
          const float m = a.recurrent_mask ? a.recurrent_mask[row + k] : 1.0f;
          const float through_gemm = dh_rec[row + k] + gates[g + k] * dextra[row + k];  // via r ⊙ (m ⊙ h)
          dh[row + k] = dh_direct[row + k] + m * through_gemm;
        }
      }
    }
  }
}

}  // namespace

void gru_backward(const GruBackward& a, KernelContext& context) {
  const int T = a.dims.T, B = a.dims.B, H = a.dims.H;
  const int GH = 3 * H;
  const std::size_t BH = static_cast<std::size_t>(B) * H;
  const std::size_t BGH = static_cast<std::size_t>(B) * GH;
  const std::size_t TBH = static_cast<std::size_t>(T) * BH;

  std::vector<float> zeros(BH, 0.0f);  // [B, H]
  // One reusable scratch (every element is written before it is read; no fresh zeroed pages per
  // call): dgates_ih [T, B, 3H] input-side gate gradients; with reset_after dhn [T, B, H], the
  // recurrent side's n block; with a recurrent mask hprev [T, B, H] m ⊙ h_{t-1}.
  const std::size_t n_dhn = a.reset_after ? TBH : 0;
  const std::size_t n_hprev = a.recurrent_mask ? TBH : 0;
  float* dgates_ih = context.scratch.floats(static_cast<std::size_t>(T) * BGH + n_dhn + n_hprev);
  float* dhn = dgates_ih + static_cast<std::size_t>(T) * BGH;
  float* hprev = a.recurrent_mask ? dhn + n_dhn : nullptr;
  std::vector<float> dh(BH, 0.0f);  // [B, H] running dL/dh
  if (a.dh_T) std::memcpy(dh.data(), a.dh_T, BH * sizeof(float));
  const float* h0 = a.h0 ? a.h0 : zeros.data();
  const float* ws_extra = a.workspace + static_cast<std::size_t>(T) * BGH;  // [T, B, H]

  const bool split = should_split_rows(B, static_cast<long long>(T) * B * GH * H);
  for_row_halves(B, split, [&](int b0, int b1) {
    gru_backward_rows(a, dgates_ih, dhn, dh.data(), h0, b0, b1);
  });
  if (a.dh0) std::memcpy(a.dh0, dh.data(), BH * sizeof(float));

  if (hprev) gather_previous_hidden(hprev, a.y, h0, a.recurrent_mask, a.dims, a.reverse);
  const int rows = T * B;
  // r, z rows of dW_hh multiply m ⊙ h with the input-side dGates (equal on both sides).
  accumulate_recurrent_weight_grad(a.dw_hh, dgates_ih, 2 * H, GH, hprev, a.y, a.h0, a.dims, a.reverse);
  float* dw_hn = a.dw_hh + static_cast<std::size_t>(2) * H * H;
  if (a.reset_after) {
    accumulate_recurrent_weight_grad(dw_hn, dhn, H, H, hprev, a.y, a.h0, a.dims, a.reverse);
  } else {
    // The n rows multiply r ⊙ m ⊙ h, kept in the workspace.
    sgemm(true, false, H, H, rows, 1.0f, dgates_ih + 2 * H, GH, ws_extra, H, 1.0f, dw_hn, H);
  }
  // Bias sums: the input side's 3H columns once; db_hh takes the same r, z sums, and its n block
  // the sums of dhn (reset_after) or the same ones (reset_before, where the n gradients coincide).
  if (a.db_ih || a.db_hh) {
    std::vector<float> sums(static_cast<std::size_t>(GH), 0.0f);  // [3H]
    accumulate_column_sums(sums.data(), dgates_ih, rows, GH, GH);
    if (a.db_ih) {
      for (int c = 0; c < GH; ++c) a.db_ih[c] += sums[c];
    }
    if (a.db_hh) {
      if (a.reset_after) {
        for (int c = 0; c < 2 * H; ++c) a.db_hh[c] += sums[c];
        accumulate_column_sums(a.db_hh + 2 * H, dhn, rows, H, H);
      } else {
        for (int c = 0; c < GH; ++c) a.db_hh[c] += sums[c];
      }
    }
  }
  accumulate_input_side(a, dgates_ih, GH, false);
}

}  // namespace rnn
