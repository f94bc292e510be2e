#include "split_policy.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>

namespace rnn {

namespace {

// Defaults, from native/bench/split_thresholds.js (figures in the bench README, "Native constants"):
// below them a block's wake-up and hand-over cost more than its second core saves.
// Row blocks: every block streams all of W_hh through its core on every step, and below 16 rows
// projects its inputs before the loop rather than inside its step product, so blocks of few rows
// pay more than a second core saves. On 2 threads, split against one block: 1 row a block
// 0.76–0.96× (H 16 to 512), 2 rows 0.63–0.99× up to H = 256 (1.09× at H = 512), 3 rows at H = 128
// 0.94× in the script but 1.06–1.11× in predict, 4 rows at H = 128 1.19×; 8 rows at H = 64
// (2.6·10⁶ per block) 0.82×, 16 rows (5·10⁶) 1.23×.
constexpr long long kRowBlockMacs = 3'000'000;
constexpr int kRowBlockMinRows = 3;
// Rows alone: a row's work (lone_rows_split) against handing it to an executor and waiting for it.
// Two-row LSTM inference calls on 2 threads, a thread a row against the rows one after another,
// medians of three runs that disagreed (bench README, "Native constants"): rows of up to ~10⁵
// (T ≤ 10 at H ≤ 32, T = 20 at H = 8) ran 0.53–0.95× as fast split; from 1.3·10⁵ split won
// 1.10–1.63×, but for H = 32 at T = 20 and 30 (0.94×, 0.90×).
constexpr long long kLoneRowMacs = 120'000;
constexpr long long kGemmBlockMacs = 1'000'000;
constexpr long long kPointwiseBlockFloats = 100'000;

// RNN_SPLIT_MIN_MACS=n at load sets the row-block threshold (0: split every batch the width and
// the rows per block allow).
long long row_threshold_from_environment() {
  if (const char* env = std::getenv("RNN_SPLIT_MIN_MACS")) {
    char* end = nullptr;
    const long long n = std::strtoll(env, &end, 10);
    if (end != env && *end == '\0' && n >= 0) return n;
  }
  return kRowBlockMacs;
}

// Read by every call's start on any thread, written by setNumThreads and the threshold setter.
std::atomic<int> g_threads{1};
std::atomic<int> g_cpus{1};
std::atomic<bool> g_beyond_cpus{false};
std::atomic<long long> g_row_block_macs{row_threshold_from_environment()};
std::atomic<int> g_row_block_min_rows{kRowBlockMinRows};
std::atomic<long long> g_lone_row_macs{kLoneRowMacs};
std::atomic<long long> g_gemm_block_macs{kGemmBlockMacs};
std::atomic<long long> g_pointwise_block_floats{kPointwiseBlockFloats};

// The policy of this thread's current call, and whether one is open / a block is running here.
thread_local SplitPolicy t_policy;
thread_local bool t_in_call = false;
thread_local bool t_in_block = false;

}  // namespace

SplitPolicy process_policy() {
  SplitPolicy p;
  const int threads = g_threads.load(std::memory_order_relaxed);
  p.width = g_beyond_cpus.load(std::memory_order_relaxed) ? threads : std::min(threads, g_cpus.load(std::memory_order_relaxed));
  p.row_block_macs = g_row_block_macs.load(std::memory_order_relaxed);
  p.row_block_min_rows = g_row_block_min_rows.load(std::memory_order_relaxed);
  p.lone_row_macs = g_lone_row_macs.load(std::memory_order_relaxed);
  p.gemm_block_macs = g_gemm_block_macs.load(std::memory_order_relaxed);
  p.pointwise_block_floats = g_pointwise_block_floats.load(std::memory_order_relaxed);
  return p;
}

int set_process_threads(int threads) {
  const int n = std::max(1, threads);
  g_threads.store(n, std::memory_order_relaxed);
  return n;
}

int process_threads() { return g_threads.load(std::memory_order_relaxed); }

void set_process_cpus(int cpus) { g_cpus.store(std::max(1, cpus), std::memory_order_relaxed); }

int process_cpus() { return g_cpus.load(std::memory_order_relaxed); }

void set_split_beyond_cpus(bool beyond) { g_beyond_cpus.store(beyond, std::memory_order_relaxed); }

bool split_beyond_cpus() { return g_beyond_cpus.load(std::memory_order_relaxed); }

void set_process_thresholds(long long row_block_macs, int row_block_min_rows, long long lone_row_macs,
                            long long gemm_block_macs, long long pointwise_block_floats) {
  g_row_block_macs.store(std::max(0LL, row_block_macs), std::memory_order_relaxed);
  g_row_block_min_rows.store(std::max(1, row_block_min_rows), std::memory_order_relaxed);
  g_lone_row_macs.store(std::max(0LL, lone_row_macs), std::memory_order_relaxed);
  g_gemm_block_macs.store(std::max(0LL, gemm_block_macs), std::memory_order_relaxed);
  g_pointwise_block_floats.store(std::max(0LL, pointwise_block_floats), std::memory_order_relaxed);
}

SplitPolicy current_policy() {
  SplitPolicy p = t_in_call ? t_policy : process_policy();
  if (t_in_block) p.width = 1;
  return p;
}

CallScope::CallScope() : had_scope_(t_in_call), saved_(t_policy) {
  t_policy = process_policy();
  t_in_call = true;
}

CallScope::~CallScope() {
  t_policy = saved_;
  t_in_call = had_scope_;
}

BlockScope::BlockScope() : was_in_block_(t_in_block) { t_in_block = true; }

BlockScope::~BlockScope() { t_in_block = was_in_block_; }

}  // namespace rnn
