// One split of a kernel call: `blocks` independent pieces of work. The thread that opened it (the
// call's own thread) and idle executor threads take blocks one at a time until none is left; the
// opener then waits for the blocks others took. A block is claimed exactly once and runs under a
// BlockScope, so it computes the same whichever thread runs it.
#pragma once

#include <atomic>
#include <exception>
#include <functional>

namespace rnn {

class ParallelJob {
 public:
  ParallelJob(int blocks, const std::function<void(int)>& body) : blocks_(blocks), body_(body) {}
  ParallelJob(const ParallelJob&) = delete;
  ParallelJob& operator=(const ParallelJob&) = delete;

  int blocks() const { return blocks_; }

  // Whether the opener is a sync call on a JS thread (KernelScheduler::run_inline), as one-sequence
  // serving makes them back to back: executors that ran its blocks watch for the next split.
  bool opened_inline() const { return opened_inline_; }
  void set_opened_inline(bool inline_call) { opened_inline_ = inline_call; }

  // The next unclaimed block, or -1 when every block is taken.
  int claim() {
    const int block = next_.fetch_add(1, std::memory_order_relaxed);
    return block < blocks_ ? block : -1;
  }

  // True once every block is taken (some may still run).
  bool all_claimed() const { return next_.load(std::memory_order_relaxed) >= blocks_; }

  // Runs a claimed block, keeping the first exception. Returns true for the block that finished
  // last: after that, the job (the opener's stack) may be gone, so callers touch it no more.
  bool run(int block) noexcept;

  // True once every block has run.
  bool finished() const { return done_.load(std::memory_order_acquire) >= blocks_; }

  // After finished(): rethrows the first block's exception, if any.
  void rethrow_failure() const {
    if (failed_.load(std::memory_order_acquire)) std::rethrow_exception(failure_);
  }

 private:
  const int blocks_;
  const std::function<void(int)>& body_;
  std::atomic<int> next_{0};
  std::atomic<int> done_{0};
  std::atomic<bool> failed_{false};
  bool opened_inline_ = false;
  std::exception_ptr failure_;  // written once, by the block that set failed_ first
};

}  // namespace rnn
