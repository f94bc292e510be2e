#include "parallel.h"

#include <algorithm>

#include "runtime/kernel_scheduler.h"
#include "runtime/split_policy.h"

namespace rnn {

int block_count(int units, long long work, long long min_work_per_block) {
  const SplitPolicy policy = current_policy();
  long long blocks = std::min<long long>(policy.width, units);
  if (min_work_per_block > 0) blocks = std::min(blocks, work / min_work_per_block);
  return static_cast<int>(std::max(1LL, blocks));
}

BlockRange block_range(int n, int blocks, int k, int align) {
  const int a = align > 1 && n / align >= blocks ? align : 1;
  const long long units = n / a;
  const auto cut = [&](int j) { return j == blocks ? n : static_cast<int>(units * j / blocks) * a; };
  return {cut(k), cut(k + 1)};
}

void parallel_blocks(int blocks, const std::function<void(int)>& body) {
  if (blocks <= 1) {
    if (blocks == 1) body(0);
    return;
  }
  ParallelJob job(blocks, body);
  KernelScheduler::shared().run_blocks(job);
}

int lone_rows_max() {
  constexpr int kLoneRowsMax = 3;  // the rows a Predictor batches (core's LONE_ROWS_MAX)
  const int width = std::min(kLoneRowsMax, current_policy().width);
  return width >= 2 ? width : 1;
}

namespace {

// What a step of a lone row costs besides its multiply-adds (its step kernel's call, the activation
// passes, the state copies), in multiply-adds: ~0.2 µs a step at ~25 per ns (derived from the
// times below, not measured apart). Small rows take about the same whatever their width (two-row
// LSTM calls at T = 20 and H = 8, 16 and 32 took 12.8, 13.8 and 15.3 µs), so the multiply-adds
// alone would rank them wrongly.
constexpr long long kStepFixedMacs = 4096;

}  // namespace

bool lone_rows_split(int T, long long step_macs) {
  return static_cast<long long>(T) * (step_macs + kStepFixedMacs) >= current_policy().lone_row_macs;
}

int row_block_count(int B, long long loop_macs) {
  const SplitPolicy policy = current_policy();
  return block_count(B / policy.row_block_min_rows, loop_macs, policy.row_block_macs);
}

void for_pointwise_blocks(int n, long long floats_per_unit, const std::function<void(int begin, int end)>& body) {
  const int blocks = block_count(n, n * floats_per_unit, current_policy().pointwise_block_floats);
  parallel_blocks(blocks, [&](int k) {
    const BlockRange r = block_range(n, blocks, k);
    body(r.begin, r.end);
  });
}

long long gemm_block_macs() { return current_policy().gemm_block_macs; }

}  // namespace rnn
