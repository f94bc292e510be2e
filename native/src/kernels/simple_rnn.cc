// SimpleRNN step math for the sequence driver (equations in simple_rnn.h).
#include "simple_rnn.h"

#include <vector>

#include "recurrent_common.h"
#include "sequence_driver.h"
#include "step_inputs.h"
#include "step_kernels.h"

namespace rnn {

namespace {

class RnnForwardCell : public CellShape<1, false> {
 public:
  using Args = RnnForward;

  // The inputs' pre-activations come from the step kernel itself, from one GEMM over all steps into
  // y, or (a lone row) from earlier steps into y (StepInputSource); a step writes y_t = act(inputs +
  // h·W_hhᵀ).
  RnnForwardCell(const RnnForward& a, KernelContext& context)
      : a_(a),
        kernels_(step_kernels()),
        inputs_(a, 1, a.H, kernels_, input_path(a, 1, kernels_, true, false), a.y, context.held_w_ih()),
        w_hh_(pack_gates(a.w_hh, 1, a.H, a.H, kernels_.panel_width, context.held_w_hh())) {}

  void step(const ForwardStep& s) {
    kernels_.rnn_forward({inputs_.at(s.t), w_hh_.get(), s.hm, s.b0, s.b1, a_.H, s.y_t, a_.activation});
  }

 private:
  const RnnForward& a_;
  const StepKernels& kernels_;
  StepInputSource inputs_;  // W_ih packed and the folded bias, or the projections in y
  std::shared_ptr<const PackedGates> w_hh_;  // W_hh [H, H] packed once for the call's steps (or held: shared)
};

class RnnBackwardCell : public CellShape<1, false>, public PlainBackwardCell<RnnBackward> {
 public:
  using Args = RnnBackward;

  RnnBackwardCell(const RnnBackward& a, float*)
      : a_(a),
        kernels_(step_kernels()),
        w_hh_(a.w_hh, a.H, a.H, kernels_.panel_width),
        d_act_(static_cast<std::size_t>(a.B) * a.H) {}

  // dpre = dh ⊙ act'(y_t) for the live rows, then dpre · W_hh for the recurrent path.
  RNN_SIMD_CLONES void step(const BackwardStep& s) {
    const int H = a_.H;
    const float* y_t = a_.y + static_cast<std::size_t>(s.t) * a_.B * H;  // [B, H]
    for (int b = s.b0; b < s.b1; ++b) {
      if (!s.live(b)) continue;
      const std::size_t at = static_cast<std::size_t>(b) * H;
      float* d_act = d_act_.data() + at;
      derivatives_from_output(a_.activation, y_t + at, d_act, H);
      for (int k = 0; k < H; ++k) s.dgates[at + k] = s.dh[at + k] * d_act[k];
    }
    kernels_.column_product({&w_hh_, 0, H, s.dgates, H, s.b0, s.b1, s.rec, H});
  }

  void weight_gradients(const float* dgates, const float* hprev) {
    accumulate_shared_gate_grads(a_, dgates, a_.H, hprev);
  }

 private:
  const RnnBackward& a_;
  const StepKernels& kernels_;
  PackedColumns w_hh_;        // W_hh [H, H] packed once for the call's steps
  std::vector<float> d_act_;  // [B, H] act'(y_t)
};

}  // namespace

void rnn_forward(const RnnForward& a, KernelContext& context) { forward_sequence<RnnForwardCell>(a, context); }

void rnn_backward(const RnnBackward& a, KernelContext& context) { backward_sequence<RnnBackwardCell>(a, context); }

}  // namespace rnn
