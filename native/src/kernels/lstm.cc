#include "lstm.h"

#include <cstring>
#include <vector>

#include "gemm.h"
#include "parallel.h"
#include "recurrent_common.h"

namespace rnn {

namespace {

// The forward time loop for batch rows [b0, b1): per step one GEMM h·W_hhᵀ added onto the gates
// (which already hold x·W_ihᵀ + b_ih + b_hh) and the fused pointwise pass. gates_all [T, B, 4H];
// c_all [T, B, H] (workspace) or [2, B, H] (ping-pong without workspace).
RNN_SIMD_CLONES
void lstm_forward_rows(const LstmForward& a, const float* w_hh_t, float* gates_all, float* c_all, bool c_ping_pong,
                       const float* h0, const float* c0, int b0, int b1) {
  const int T = a.dims.T, B = a.dims.B, H = a.dims.H;
  const int GH = 4 * H;
  const int nb = b1 - b0;
  const std::size_t BH = static_cast<std::size_t>(B) * H;
  const std::size_t BGH = static_cast<std::size_t>(B) * GH;
  const std::size_t off_h = static_cast<std::size_t>(b0) * H;
  const std::size_t off_g = static_cast<std::size_t>(b0) * GH;
  std::vector<float> hm_scratch(a.recurrent_mask ? BH : 0);  // [B, H] m ⊙ h (rows b0..b1 used)
  std::vector<float> act_c(H);                               // [H] act(c') of one row
  const float* p_i = a.peephole;
  const float* p_f = a.peephole ? a.peephole + H : nullptr;
  const float* p_o = a.peephole ? a.peephole + 2 * H : nullptr;
  const float* c_prev = c0;

  for (int s = 0; s < T; ++s) {
    const int t = time_of_step(s, T, a.reverse);
    const float* h_prev = previous_hidden(a.y, h0, t, T, a.reverse, BH);              // [B, H]
    float* gates = gates_all + t * BGH;                                               // [B, 4H]
    float* c_new = c_all + (c_ping_pong ? (s % 2) * BH : t * BH);                     // [B, H]
    float* y_t = a.y + t * BH;                                                        // [B, H]

    const float* hm = h_prev + off_h;
    if (a.recurrent_mask) {
      for (std::size_t k = off_h; k < off_h + static_cast<std::size_t>(nb) * H; ++k)
        hm_scratch[k] = a.recurrent_mask[k] * h_prev[k];
      hm = hm_scratch.data() + off_h;
    }
    sgemm(false, false, nb, GH, H, 1.0f, hm, H, w_hh_t, GH, 1.0f, gates + off_g, GH);

    for (int b = b0; b < b1; ++b) {
      float* gi = gates + static_cast<std::size_t>(b) * GH;
      float* gf = gi + H;
      float* gg = gi + 2 * H;
      float* go = gi + 3 * H;
      const float* cp = c_prev + static_cast<std::size_t>(b) * H;
      float* cn = c_new + static_cast<std::size_t>(b) * H;
      float* hn = y_t + static_cast<std::size_t>(b) * H;
      if (a.peephole) {
        for (int k = 0; k < H; ++k) {
          gi[k] += p_i[k] * cp[k];
          gf[k] += p_f[k] * cp[k];
        }
      }
      activate_inplace(a.recurrent_activation, gi, 2 * static_cast<std::size_t>(H));  // i, f
      activate_inplace(a.activation, gg, H);
      for (int k = 0; k < H; ++k) cn[k] = gf[k] * cp[k] + gi[k] * gg[k];
      if (a.peephole) {
        for (int k = 0; k < H; ++k) go[k] += p_o[k] * cn[k];
      }
      activate_inplace(a.recurrent_activation, go, H);
      std::memcpy(act_c.data(), cn, H * sizeof(float));
      activate_inplace(a.activation, act_c.data(), H);
      for (int k = 0; k < H; ++k) hn[k] = go[k] * act_c[k];
      if (!step_counts(a.mask, t, B, b)) {
        // Padding: carry both states; the gates stay in the workspace but backward skips them.
        std::memcpy(cn, cp, H * sizeof(float));
        std::memcpy(hn, h_prev + static_cast<std::size_t>(b) * H, H * sizeof(float));
      }
    }
    c_prev = c_new;
  }
}

}  // namespace

void lstm_forward(const LstmForward& a, KernelContext& context) {
  const int T = a.dims.T, B = a.dims.B, I = a.dims.I, H = a.dims.H;
  const int GH = 4 * H;
  const std::size_t BH = static_cast<std::size_t>(B) * H;
  const std::size_t BGH = static_cast<std::size_t>(B) * GH;

  // The input projection goes straight into the gates (the workspace's, or our own without one),
  // with b_hh folded into its bias: each step then only adds h·W_hhᵀ on top (no copy, no bias pass).
  float* gates_all = a.workspace ? a.workspace : context.scratch.floats(static_cast<std::size_t>(T) * BGH);  // [T, B, 4H]
  const std::vector<float> bias = folded_bias(a.b_ih, a.b_hh, GH, GH);  // [4H]
  input_projection(gates_all, a.x, a.w_ih, bias.empty() ? nullptr : bias.data(), T * B, GH, I);

  std::vector<float> zeros(BH, 0.0f);                         // [B, H]
  std::vector<float> c_scratch(a.workspace ? 0 : 2 * BH);     // [2, B, H] ping-pong c
  float* c_all = a.workspace ? a.workspace + static_cast<std::size_t>(T) * BGH : c_scratch.data();  // [T, B, H]
  const float* h0 = a.h0 ? a.h0 : zeros.data();
  const float* c0 = a.c0 ? a.c0 : zeros.data();

  // W_hhᵀ [H, 4H] once per call: the per-step GEMM then packs a non-transposed B, cheaper than
  // OpenBLAS's transposing copy of W_hh every step on each thread.
  const std::vector<float> w_hh_t = transposed(a.w_hh, GH, H);
  const bool split = should_split_rows(B, static_cast<long long>(T) * B * GH * H);
  for_row_halves(B, split, [&](int b0, int b1) {
    lstm_forward_rows(a, w_hh_t.data(), gates_all, c_all, a.workspace == nullptr, h0, c0, b0, b1);
  });

  const float* c_last = a.workspace ? c_all + static_cast<std::size_t>(time_of_step(T - 1, T, a.reverse)) * BH
                                    : c_all + ((T - 1) % 2) * BH;
  std::memcpy(a.h_T, a.y + static_cast<std::size_t>(time_of_step(T - 1, T, a.reverse)) * BH, BH * sizeof(float));
  std::memcpy(a.c_T, T > 0 ? c_last : c0, BH * sizeof(float));
}

namespace {

// The backward time loop for batch rows [b0, b1): dGates_t and dh_{t-1} = m ⊙ (dGates_t · W_hh).
// dgates [T, B, 4H], dh and dc [B, H] running gradients (rows b0..b1 touched), dpeep [3H] this
// half's peephole gradient sums.
RNN_SIMD_CLONES
void lstm_backward_rows(const LstmBackward& a, float* dgates, float* dh, float* dc, double* dpeep,
                        const float* c0, int b0, int b1) {
  const int T = a.dims.T, B = a.dims.B, H = a.dims.H;
  const int GH = 4 * H;
  const int nb = b1 - b0;
  const std::size_t BH = static_cast<std::size_t>(B) * H;
  const std::size_t BGH = static_cast<std::size_t>(B) * GH;
  const std::size_t off_h = static_cast<std::size_t>(b0) * H;
  const std::size_t nbh = static_cast<std::size_t>(nb) * H;
  std::vector<float> dh_rec(nbh);     // [nb, H] dGates_t · W_hh
  std::vector<float> act_c(H);        // [H] act(c_t) of one row
  std::vector<float> d_act_c(H);      // [H] act'(c_t) of one row
  std::vector<float> d_gates(GH);     // [4H] σ'(i), σ'(f), act'(g), σ'(o) of one row
  const float* ws_gates = a.workspace;                                    // [T, B, 4H]
  const float* ws_c = a.workspace + static_cast<std::size_t>(T) * BGH;   // [T, B, H]
  const float* p_i = a.peephole;
  const float* p_f = a.peephole ? a.peephole + H : nullptr;
  const float* p_o = a.peephole ? a.peephole + 2 * H : nullptr;

  for (int s = T - 1; s >= 0; --s) {
    const int t = time_of_step(s, T, a.reverse);
    const float* c_prev = s == 0 ? c0 : ws_c + time_of_step(s - 1, T, a.reverse) * BH;  // [B, H]
    const float* c_t = ws_c + t * BH;                                                  // [B, H]
    const float* gates = ws_gates + t * BGH;                                            // [B, 4H]
    float* dg_t = dgates + t * BGH;                                                     // [B, 4H]
    if (a.dy) {
      const float* dy_t = a.dy + t * BH;
      for (std::size_t k = off_h; k < off_h + nbh; ++k) dh[k] += dy_t[k];
    }
    for (int b = b0; b < b1; ++b) {
      float* dgi = dg_t + static_cast<std::size_t>(b) * GH;
      if (!step_counts(a.mask, t, B, b)) {
        // Padding carried h and c unchanged: their gradients pass straight through.
        std::memset(dgi, 0, GH * sizeof(float));
        continue;
      }
      float* dgf = dgi + H;
      float* dgg = dgi + 2 * H;
      float* dgo = dgi + 3 * H;
      const float* gi = gates + static_cast<std::size_t>(b) * GH;
      const float* gf = gi + H;
      const float* gg = gi + 2 * H;
      const float* go = gi + 3 * H;
      const float* cp = c_prev + static_cast<std::size_t>(b) * H;
      const float* ct = c_t + static_cast<std::size_t>(b) * H;
      float* dhb = dh + static_cast<std::size_t>(b) * H;
      float* dcb = dc + static_cast<std::size_t>(b) * H;
      std::memcpy(act_c.data(), ct, H * sizeof(float));
      activate_inplace(a.activation, act_c.data(), H);
      derivatives_from_output(a.activation, act_c.data(), d_act_c.data(), H);
      derivatives_from_output(a.recurrent_activation, gi, d_gates.data(), 2 * static_cast<std::size_t>(H));  // i, f
      derivatives_from_output(a.activation, gg, d_gates.data() + 2 * H, H);
      derivatives_from_output(a.recurrent_activation, go, d_gates.data() + 3 * H, H);
      const float* d_i = d_gates.data();
      const float* d_f = d_i + H;
      const float* d_g = d_i + 2 * H;
      const float* d_o = d_i + 3 * H;
      if (a.peephole) {
        for (int k = 0; k < H; ++k) {
          const float dao = dhb[k] * act_c[k] * d_o[k];
          const float dct = dcb[k] + dhb[k] * go[k] * d_act_c[k] + dao * p_o[k];
          const float dai = dct * gg[k] * d_i[k];
          const float daf = dct * cp[k] * d_f[k];
          const float dag = dct * gi[k] * d_g[k];
          dpeep[k] += static_cast<double>(dai) * cp[k];
          dpeep[H + k] += static_cast<double>(daf) * cp[k];
          dpeep[2 * H + k] += static_cast<double>(dao) * ct[k];
          dgi[k] = dai;
          dgf[k] = daf;
          dgg[k] = dag;
          dgo[k] = dao;
          dcb[k] = dct * gf[k] + dai * p_i[k] + daf * p_f[k];
        }
      } else {
        for (int k = 0; k < H; ++k) {
          const float dao = dhb[k] * act_c[k] * d_o[k];
          const float dct = dcb[k] + dhb[k] * go[k] * d_act_c[k];
          dgi[k] = dct * gg[k] * d_i[k];
          dgf[k] = dct * cp[k] * d_f[k];
          dgg[k] = dct * gi[k] * d_g[k];
          dgo[k] = dao;
          dcb[k] = dct * gf[k];
        }
      }
    }
    // dh_{t-1} = m ⊙ (dGates_t · W_hh) for rows that stepped; padded rows keep their dh.
    propagate_hidden_gradient(dh, dh_rec.data(), dg_t + static_cast<std::size_t>(b0) * GH, a.w_hh, GH, a, t, b0, b1);
  }
}

}  // namespace

void lstm_backward(const LstmBackward& a, KernelContext& context) {
  const int T = a.dims.T, B = a.dims.B, H = a.dims.H;
  const int GH = 4 * H;
  const std::size_t BH = static_cast<std::size_t>(B) * H;
  const std::size_t BGH = static_cast<std::size_t>(B) * GH;

  std::vector<float> zeros(BH, 0.0f);                          // [B, H]
  // [T, B, 4H] pre-activation grads, then with a recurrent mask hprev [T, B, H] m ⊙ h_{t-1}: one
  // reusable scratch (all written before read; no fresh zeroed pages per call).
  const std::size_t n_hprev = a.recurrent_mask ? static_cast<std::size_t>(T) * BH : 0;
  float* dgates = context.scratch.floats(static_cast<std::size_t>(T) * BGH + n_hprev);
  float* hprev = a.recurrent_mask ? dgates + static_cast<std::size_t>(T) * BGH : nullptr;
  std::vector<float> dh(BH, 0.0f);                             // [B, H] running dL/dh
  std::vector<float> dc(BH, 0.0f);                             // [B, H] running dL/dc
  const std::size_t P = a.peephole ? 3 * static_cast<std::size_t>(H) : 0;
  std::vector<double> dpeep(2 * P, 0.0);                       // [2, 3H] per half
  if (a.dh_T) std::memcpy(dh.data(), a.dh_T, BH * sizeof(float));
  if (a.dc_T) std::memcpy(dc.data(), a.dc_T, BH * sizeof(float));
  const float* h0 = a.h0 ? a.h0 : zeros.data();
  const float* c0 = a.c0 ? a.c0 : zeros.data();

  const bool split = should_split_rows(B, static_cast<long long>(T) * B * GH * H);
  for_row_halves(B, split, [&](int b0, int b1) {
    lstm_backward_rows(a, dgates, dh.data(), dc.data(), dpeep.data() + (b0 == 0 ? 0 : P), c0, b0, b1);
  });
  if (a.dh0) std::memcpy(a.dh0, dh.data(), BH * sizeof(float));
  if (a.dc0) std::memcpy(a.dc0, dc.data(), BH * sizeof(float));
  if (a.dpeephole) {
    for (std::size_t k = 0; k < P; ++k) a.dpeephole[k] += static_cast<float>(dpeep[k] + dpeep[P + k]);
  }

  // The big GEMMs over all steps at once.
  if (hprev) gather_previous_hidden(hprev, a.y, h0, a.recurrent_mask, a.dims, a.reverse);
  accumulate_recurrent_weight_grad(a.dw_hh, dgates, GH, GH, hprev, a.y, a.h0, a.dims, a.reverse);
  // db_ih and db_hh are the same column sums of dGates: sum once, add to both.
  float* db = a.db_hh ? a.db_hh : a.db_ih;
  if (db) accumulate_column_sums(db, dgates, T * B, GH, GH, a.db_hh ? a.db_ih : nullptr);
  accumulate_input_side(a, dgates, GH, false);
}

}  // namespace rnn
