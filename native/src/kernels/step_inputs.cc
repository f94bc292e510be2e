#include "step_inputs.h"

#include <atomic>

#include "parallel.h"
#include "recurrent_common.h"
#include "runtime/split_policy.h"

namespace rnn {

namespace {

constexpr int kFuseMinRows = 16;  // rows in the smallest row block

std::atomic<long long> g_fused_calls{0}, g_projected_calls{0};

}  // namespace

bool fuse_inputs(const RecurrentForward& a, int G, const StepKernels& kernels) {
  const long long GH = static_cast<long long>(G) * a.H;
  const int blocks = block_count(a.B, static_cast<long long>(a.T) * a.B * GH * a.H, current_policy().row_block_macs);
  const long long weight_bytes = GH * (a.I + a.H) * static_cast<long long>(sizeof(float));
  return a.B / blocks >= kFuseMinRows && weight_bytes <= kernels.fused_input_max_bytes;
}

StepInputSource::StepInputSource(const RecurrentForward& a, int G, int fold_cols, int panel_width, bool fused,
                                 float* buffer)
    : a_(a),
      GH_(G * a.H),
      fused_(fused),
      buffer_(fused ? nullptr : buffer),
      w_ih_(fused ? a.w_ih : nullptr, fused ? G : 0, a.H, a.I, panel_width),
      bias_(fused ? folded_bias(a.b_ih, a.b_hh, GH_, fold_cols) : std::vector<float>()) {
  (fused ? g_fused_calls : g_projected_calls).fetch_add(1, std::memory_order_relaxed);
  if (!fused) project_inputs(a, buffer_, GH_, fold_cols);
}

InputPathCounts input_path_counts() {
  return {g_fused_calls.load(std::memory_order_relaxed), g_projected_calls.load(std::memory_order_relaxed)};
}

StepInputs StepInputSource::at(int t) const {
  StepInputs in;
  const std::size_t rows_before = static_cast<std::size_t>(t) * a_.B;  // rows of the steps before t
  if (fused_) {
    in.w_ih = &w_ih_;
    in.x = a_.x + rows_before * a_.I;
    in.ldx = a_.I;
    in.bias = bias_.empty() ? nullptr : bias_.data();
  } else {
    in.rows = buffer_ + rows_before * GH_;
    in.ld = static_cast<std::size_t>(GH_);
  }
  return in;
}

}  // namespace rnn
