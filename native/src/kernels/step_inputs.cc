#include "step_inputs.h"

#include <atomic>

#include "parallel.h"
#include "recurrent_common.h"

namespace rnn {

namespace {

constexpr int kFuseMinRows = 16;  // rows in the smallest row block

std::atomic<long long> g_fused_calls{0}, g_projected_calls{0}, g_ahead_calls{0};

}  // namespace

bool fuse_inputs(const RecurrentForward& a, int G, const StepKernels& kernels) {
  const long long GH = static_cast<long long>(G) * a.H;
  const int blocks = row_block_count(a.B, static_cast<long long>(a.T) * a.B * GH * a.H);
  const long long weight_bytes = GH * (a.I + a.H) * static_cast<long long>(sizeof(float));
  return a.B / blocks >= kFuseMinRows && weight_bytes <= kernels.fused_input_max_bytes;
}

InputPath input_path(const RecurrentForward& a, int G, const StepKernels& kernels, bool may_fuse, bool may_run_ahead) {
  if (may_fuse && fuse_inputs(a, G, kernels)) return InputPath::Fused;
  if (may_run_ahead && a.B == 1 && kernels.project_block != nullptr) return InputPath::Ahead;
  return InputPath::Projected;
}

StepInputSource::StepInputSource(const RecurrentForward& a, int G, int fold_cols, const StepKernels& kernels,
                                 InputPath path, float* buffer, ConstantWeights* held_w_ih)
    : a_(a),
      GH_(G * a.H),
      path_(path),
      buffer_(path == InputPath::Fused ? nullptr : buffer),
      w_ih_(pack_gates(path == InputPath::Projected ? nullptr : a.w_ih, path == InputPath::Projected ? 0 : G, a.H, a.I,
                       kernels.panel_width, held_w_ih)),
      bias_(path == InputPath::Projected ? std::vector<float>() : folded_bias(a.b_ih, a.b_hh, GH_, fold_cols)),
      zeros_(path == InputPath::Ahead ? a.I : 0, 0.0f) {
  const bool fused = path == InputPath::Fused, ahead = path == InputPath::Ahead;
  (fused ? g_fused_calls : ahead ? g_ahead_calls : g_projected_calls).fetch_add(1, std::memory_order_relaxed);
  if (path == InputPath::Projected) project_inputs(a, buffer_, GH_, fold_cols);
  if (!ahead) return;
  ahead_.w_ih = w_ih_.get();
  ahead_.bias = bias_.empty() ? nullptr : bias_.data();
  ahead_.x = a.x;
  ahead_.zeros = zeros_.data();
  ahead_.rows = buffer_;
  ahead_.T = a.T;
  ahead_.reverse = a.reverse;
  kernels.project_block(ahead_, 0);  // the first block's projections; each block's steps compute the next's
}

InputPathCounts input_path_counts() {
  return {g_fused_calls.load(std::memory_order_relaxed), g_projected_calls.load(std::memory_order_relaxed),
          g_ahead_calls.load(std::memory_order_relaxed)};
}

StepInputs StepInputSource::at(int t) const {
  StepInputs in;
  const std::size_t rows_before = static_cast<std::size_t>(t) * a_.B;  // rows of the steps before t
  if (path_ == InputPath::Fused) {
    in.w_ih = w_ih_.get();
    in.x = step_input_rows(a_, t);
    in.ldx = input_row_stride(a_);
    in.bias = bias_.empty() ? nullptr : bias_.data();
    return in;
  }
  in.rows = buffer_ + rows_before * GH_;
  in.ld = static_cast<std::size_t>(GH_);
  if (path_ == InputPath::Ahead) {
    in.ahead = &ahead_;
    in.step = time_of_step(t, a_.T, a_.reverse);  // its own inverse: the step that processes time t
  }
  return in;
}

}  // namespace rnn
