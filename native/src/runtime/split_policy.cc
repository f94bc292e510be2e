#include "split_policy.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>

namespace rnn {

namespace {

// Defaults, from native/bench/split_thresholds.js (figures in the bench README, "Native constants"):
// below them a block's wake-up and hand-over cost more than its second core saves.
constexpr long long kRowBlockMacs = 50'000;
constexpr long long kGemmBlockMacs = 1'000'000;
constexpr long long kPointwiseBlockFloats = 100'000;

// RNN_SPLIT_MIN_MACS=n at load sets the row-block threshold (0: split every batch of ≥ 2 rows).
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

void set_process_thresholds(long long row_block_macs, long long gemm_block_macs, long long pointwise_block_floats) {
  g_row_block_macs.store(std::max(0LL, row_block_macs), std::memory_order_relaxed);
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
