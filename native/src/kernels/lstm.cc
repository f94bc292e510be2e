// LSTM step math for the sequence driver (equations in lstm.h).
#include "lstm.h"

#include <cstring>
#include <vector>

#include "recurrent_common.h"
#include "sequence_driver.h"
#include "step_inputs.h"
#include "step_kernels.h"

namespace rnn {

namespace {

// The i, f, o peephole vectors [H] each, or nulls without peepholes.
struct Peepholes {
  const float* i;
  const float* f;
  const float* o;
  Peepholes(const float* p, int H) : i(p), f(p ? p + H : nullptr), o(p ? p + 2 * H : nullptr) {}
};

class LstmForwardCell : public CellShape<4, true> {
 public:
  using Args = LstmForward;

  // The inputs' pre-activations come from the step kernel itself, from one GEMM over all steps into
  // the gate buffer, or (a lone row) from earlier steps into it (StepInputSource); the activated gates go to the workspace when training.
  LstmForwardCell(const LstmForward& a, KernelContext& context)
      : a_(a),
        kernels_(step_kernels()),
        path_(input_path(a, kGates, kernels_, true, true)),
        inputs_(a, kGates, kGates * a.H, kernels_, path_,
                path_ == InputPath::Fused ? nullptr : gate_buffer(a, context, kGates), context.held_w_ih()),
        w_hh_(pack_gates(a.w_hh, kGates, a.H, a.H, kernels_.panel_width, context.held_w_hh())) {}

  void step(const ForwardStep& s) {
    float* gates = a_.workspace ? a_.workspace + static_cast<std::size_t>(s.t) * a_.B * 4 * a_.H : nullptr;  // [B, 4H]
    kernels_.lstm_forward({inputs_.at(s.t), w_hh_.get(), s.hm, s.b0, s.b1, a_.H, gates, gates != nullptr, s.c_prev, s.c_new,
                           s.y_t, a_.peephole, a_.activation, a_.recurrent_activation});
  }

 private:
  const LstmForward& a_;
  const StepKernels& kernels_;
  const InputPath path_;    // fused, projected up front, or ahead (input_path)
  StepInputSource inputs_;  // W_ih packed and the folded bias, and/or the [T, B, 4H] projections
  std::shared_ptr<const PackedGates> w_hh_;  // W_hh [4H, H] packed once for the call's steps (or held: shared)
};

class LstmBackwardCell : public CellShape<4, true>, public PlainBackwardCell<LstmBackward> {
 public:
  using Args = LstmBackward;

  LstmBackwardCell(const LstmBackward& a, float*)
      : a_(a),
        kernels_(step_kernels()),
        w_hh_(a.w_hh, 4 * a.H, a.H, kernels_.panel_width),
        act_c_(static_cast<std::size_t>(a.B) * a.H),
        d_act_c_(act_c_.size()),
        d_gates_(act_c_.size() * 4),
        dpeep_(a.peephole ? 3 * act_c_.size() : 0, 0.0) {}

  // The live rows' gate gradients and dc_{t-1}, then dGates · W_hh for the recurrent path.
  RNN_SIMD_CLONES void step(const BackwardStep& s) {
    const int H = a_.H, GH = 4 * H;
    const float* gates = a_.workspace + static_cast<std::size_t>(s.t) * a_.B * GH;  // [B, 4H]
    for (int b = s.b0; b < s.b1; ++b) {
      if (s.live(b)) row(s, gates, b, dpeep_.data() + static_cast<std::size_t>(b) * 3 * H);
    }
    kernels_.column_product({&w_hh_, 0, GH, s.dgates, GH, s.b0, s.b1, s.rec, H});
  }

  void weight_gradients(const float* dgates, const float* hprev) {
    accumulate_shared_gate_grads(a_, dgates, 4 * a_.H, hprev);
    if (a_.d_peephole == nullptr) return;
    const std::size_t P = 3 * static_cast<std::size_t>(a_.H);
    for (std::size_t k = 0; k < P; ++k) {
      double sum = 0.0;
      for (int b = 0; b < a_.B; ++b) sum += dpeep_[static_cast<std::size_t>(b) * P + k];
      a_.d_peephole[k] += static_cast<float>(sum);
    }
  }

 private:
  RNN_SIMD_CLONES void row(const BackwardStep& s, const float* gates, int b, double* dpeep);

  const LstmBackward& a_;
  const StepKernels& kernels_;
  PackedColumns w_hh_;          // W_hh [4H, H] packed once for the call's steps
  std::vector<float> act_c_;    // [B, H] act(c_t)
  std::vector<float> d_act_c_;  // [B, H] act'(c_t)
  std::vector<float> d_gates_;  // [B, 4H] σ'(i), σ'(f), act'(g), σ'(o)
  std::vector<double> dpeep_;   // [B, 3H] peephole gradient sums per row: the same whatever the row split
};

void LstmBackwardCell::row(const BackwardStep& s, const float* gates, int b, double* dpeep) {
  const int H = a_.H, GH = 4 * H;
  const std::size_t at = static_cast<std::size_t>(b) * H;
  const float* gi = gates + static_cast<std::size_t>(b) * GH;
  const float *gf = gi + H, *gg = gi + 2 * H, *go = gi + 3 * H;
  const float *cp = s.c_prev + at, *ct = s.c_t + at, *dhb = s.dh + at;
  float* dcb = s.dc + at;
  float* dgi = s.dgates + static_cast<std::size_t>(b) * GH;
  float *dgf = dgi + H, *dgg = dgi + 2 * H, *dgo = dgi + 3 * H;
  float* act_c = act_c_.data() + at;
  float* d_act_c = d_act_c_.data() + at;
  float* d_i = d_gates_.data() + static_cast<std::size_t>(b) * GH;
  const float *d_f = d_i + H, *d_g = d_i + 2 * H, *d_o = d_i + 3 * H;
  std::memcpy(act_c, ct, H * sizeof(float));
  activate_inplace(a_.activation, act_c, H);
  derivatives_from_output(a_.activation, act_c, d_act_c, H);
  derivatives_from_output(a_.recurrent_activation, gi, d_i, 2 * static_cast<std::size_t>(H));  // i, f
  derivatives_from_output(a_.activation, gg, d_i + 2 * H, H);
  derivatives_from_output(a_.recurrent_activation, go, d_i + 3 * H, H);
  const Peepholes p(a_.peephole, H);
  if (p.i == nullptr) {
    // No value is reached through two of these pointers (dc is read and written through the same
    // one); with this many streams GCC gives up on its runtime overlap checks and leaves the loop
    // scalar (~10% of a medium LSTM training step) unless told there is no dependence between
    // iterations. (GRU's row pass does the same.)
#pragma GCC ivdep
    for (int k = 0; k < H; ++k) {
      const float dct = dcb[k] + dhb[k] * go[k] * d_act_c[k];
      dgi[k] = dct * gg[k] * d_i[k];
      dgf[k] = dct * cp[k] * d_f[k];
      dgg[k] = dct * gi[k] * d_g[k];
      dgo[k] = dhb[k] * act_c[k] * d_o[k];
      dcb[k] = dct * gf[k];
    }
    return;
  }
  for (int k = 0; k < H; ++k) {
    const float dao = dhb[k] * act_c[k] * d_o[k];
    const float dct = dcb[k] + dhb[k] * go[k] * d_act_c[k] + dao * p.o[k];
    const float dai = dct * gg[k] * d_i[k];
    const float daf = dct * cp[k] * d_f[k];
    dpeep[k] += static_cast<double>(dai) * cp[k];
    dpeep[H + k] += static_cast<double>(daf) * cp[k];
    dpeep[2 * H + k] += static_cast<double>(dao) * ct[k];
    dgi[k] = dai;
    dgf[k] = daf;
    dgg[k] = dct * gi[k] * d_g[k];
    dgo[k] = dao;
    dcb[k] = dct * gf[k] + dai * p.i[k] + daf * p.f[k];
  }
}

}  // namespace

void lstm_forward(const LstmForward& a, KernelContext& context) { forward_sequence<LstmForwardCell>(a, context); }

void lstm_backward(const LstmBackward& a, KernelContext& context) { backward_sequence<LstmBackwardCell>(a, context); }

}  // namespace rnn
