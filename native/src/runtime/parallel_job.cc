#include "parallel_job.h"

#include "split_policy.h"

namespace rnn {

bool ParallelJob::run(int block) noexcept {
  // Read before the count: once the last block is counted the opener may return and free the job.
  const int blocks = blocks_;
  try {
    BlockScope in_block;
    body_(block);
  } catch (...) {
    bool expected = false;
    if (failed_.compare_exchange_strong(expected, true, std::memory_order_acq_rel)) failure_ = std::current_exception();
  }
  return done_.fetch_add(1, std::memory_order_acq_rel) + 1 == blocks;
}

}  // namespace rnn
