// The split side of the scheduler: how a call's blocks reach idle executors and how the call's
// own thread waits for them.
#include <algorithm>
#include <chrono>

#include "cpu_relax.h"
#include "kernel_scheduler.h"
#include "split_policy.h"

namespace rnn {

namespace {

// How long the opener of a split spins on its job before sleeping: blocks of one split end close
// together, and sleeping on the lock and waking again costs more than a short spin. The two rows of
// a two-row LSTM inference call (one a thread) ended 8–20 µs apart on average on a Zen 4 VM, past
// the 512 pauses (~11 µs there) this spin used to be; with up to 100 µs, two served callers' calls
// ran 5–11% faster in two of three side-by-side runs; the third was within noise (native/README.md).
// Only while the threads running kernel work (the opener among them) do not outnumber the
// CPUs: otherwise a spinning opener takes the core that one of its blocks, or another call's, is
// waiting for (more threads than CPUs with calls running at once, or a split widened beyond the
// CPUs by the tests). An idle executor spins for up to 1 ms right after any kernel work, within its
// own limits (spin_for_work in kernel_scheduler.cc); otherwise it sleeps (sleep_until).
constexpr int kFinishSpinMicros = 100;

}  // namespace

void KernelScheduler::run_blocks(ParallelJob& job) {
  const bool shared = job.blocks() > 1;
  job.set_opened_inline(in_inline_call());
  if (shared) publish(job);
  for (int block = job.claim(); block >= 0; block = job.claim()) job.run(block);
  if (!shared) return job.rethrow_failure();
  withdraw(job);
  wait_finished(job);
  job.rethrow_failure();
}

void KernelScheduler::publish(ParallelJob& job) {
  std::vector<Sleeper*> woken;
  {
    const auto lock = lock_spinning_first(mutex_);
    jobs_.push_back(&job);
    work_posted_.fetch_add(1, std::memory_order_release);
    widest_split_ = std::max(widest_split_, job.blocks());
    // Spinning executors see the job themselves: sleepers are woken for the blocks beyond them
    // (unless queued tasks or other splits may draw the spinners away).
    const bool spinners_free = queue_.empty() && jobs_.size() == 1;
    woken = take_sleepers_locked(job.blocks() - 1 - (spinners_free ? spinners_ : 0));
  }
  notify(woken);
}

void KernelScheduler::withdraw(ParallelJob& job) {
  const auto lock = lock_spinning_first(mutex_);
  const auto it = std::find(jobs_.begin(), jobs_.end(), &job);
  if (it != jobs_.end()) jobs_.erase(it);
}

void KernelScheduler::wait_finished(ParallelJob& job) {
  if (busy_threads_.load(std::memory_order_relaxed) <= process_cpus()) {
    spin_until([&] { return job.finished(); }, std::chrono::microseconds(kFinishSpinMicros), 64, /*yield=*/false);
  }
  if (job.finished()) return;
  std::unique_lock<std::mutex> lock = lock_spinning_first(mutex_);
  block_cv_.wait(lock, [&] { return job.finished(); });
}

KernelScheduler::HelpedBlock KernelScheduler::help_with_block(std::unique_lock<std::mutex>& lock) {
  ParallelJob* job = jobs_.front();
  const int block = job->claim();
  // Taken out of the list with its last block, so nobody claims from a job whose opener returned.
  if (job->all_claimed()) jobs_.pop_front();
  if (block < 0) return HelpedBlock::None;
  const HelpedBlock helped = job->opened_inline() ? HelpedBlock::OfSyncCall : HelpedBlock::OfAsyncCall;
  lock.unlock();
  const bool last = job->run(block);  // the job may be gone from here on
  lock_spinning_first(lock);
  if (last) block_cv_.notify_all();
  return helped;
}

}  // namespace rnn
