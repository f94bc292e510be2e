#include "kernel_scheduler.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <new>
#include <system_error>
#include <thread>

#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#endif

#include "cpu_relax.h"
#include "split_policy.h"

namespace rnn {

namespace {

// Executors run as SCHED_BATCH on Linux (no privilege needed; elsewhere, as they are): a woken
// executor then does not preempt the thread that woke it. The event loop submitting an async call
// keeps its core until it waits, instead of losing it for a time slice (hundreds of µs) to the
// kernel it just queued; executors still get every core nothing else wants.
void yield_wakeups_to_submitters() {
#if defined(__linux__)
  sched_param param{};
  param.sched_priority = 0;
  pthread_setschedparam(pthread_self(), SCHED_BATCH, &param);  // best effort: a failure changes only timing
#endif
}

constexpr int kIdleSpinMicros = 1000;  // how long an idle executor watches for work (spin_for_work)

// Set while this thread runs a sync call (run_inline): the splits it opens say so (ParallelJob).
thread_local bool t_inline_call = false;

struct InlineCallScope {
  const bool was = t_inline_call;
  InlineCallScope() { t_inline_call = true; }
  ~InlineCallScope() { t_inline_call = was; }
};

// Runs a kernel under the policy its call takes now, turning any exception into the outcome.
void run_catching(const Kernel& kernel, KernelContext& context, KernelOutcome& outcome, std::string& failure) noexcept {
  try {
    CallScope call;
    kernel(context);
  } catch (const std::bad_alloc&) {
    outcome = KernelOutcome::OutOfMemory;
  } catch (const std::exception& e) {
    outcome = KernelOutcome::Failed;
    failure = e.what();
  } catch (...) {
    outcome = KernelOutcome::Failed;
    failure = "unknown native exception";
  }
}

}  // namespace

bool in_inline_call() { return t_inline_call; }

KernelScheduler& KernelScheduler::shared() {
  // Deliberately leaked: destroying it at exit would pull the mutex and queues from under executor
  // threads that may still run. The atexit hook makes exit wait for running calls instead.
  static KernelScheduler* scheduler = [] {
    auto* s = new KernelScheduler();
    s->set_threads(1);
    std::atexit([] { shared().wait_at_exit(); });
    return s;
  }();
  return *scheduler;
}

int KernelScheduler::set_threads(int threads) {
  std::vector<Sleeper*> woken;
  int threads_now = 0;
  {
    const auto lock = lock_spinning_first(mutex_);
    target_executors_ = std::max(1, threads);
    widest_split_ = 0;
    start_executors_locked();
    threads_now = set_process_threads(target_executors_);
    woken = take_sleepers_locked(static_cast<int>(sleepers_.size()));  // executors beyond the target retire once idle
  }
  notify(woken);
  return threads_now;
}

void KernelScheduler::start_executors_locked() {
  // Detached: they sleep in sleepers_ until retired (the addon is never unloaded: -z nodelete).
  while (executors_ < target_executors_) {
    try {
      std::thread([this] { executor_loop(); }).detach();
    } catch (const std::system_error&) {
      // No more threads to be had: the executors running serve every call; splits keep their width
      // (their results do not depend on who runs the blocks), only fewer blocks run at once.
      if (executors_ > 0) return;
      throw;
    }
    ++executors_;
    count_busy_locked();
  }
}

void KernelScheduler::count_busy_locked() {
  busy_threads_.store(executors_ - idle_executors_ + static_cast<int>(inline_stops_.size()), std::memory_order_relaxed);
}

void KernelScheduler::reset_widest_split() {
  const auto lock = lock_spinning_first(mutex_);
  widest_split_ = 0;
}

void KernelScheduler::submit(KernelTask* task) {
  std::vector<Sleeper*> woken;
  {
    const auto lock = lock_spinning_first(mutex_);
    queue_.push_back(task);
    work_posted_.fetch_add(1, std::memory_order_release);
    // A spinning executor takes the task itself: wake a sleeper only for tasks beyond the spinners
    // (unless a split's blocks, which executors take first, may draw the spinners away).
    if (static_cast<int>(queue_.size()) > (jobs_.empty() ? spinners_ : 0)) woken = take_sleepers_locked(1);
  }
  notify(woken);
}

// The most recently idle executors first: with more threads than the work needs (more than the
// cores, say), the same few take it, warm and settled on their cores, and the others stay asleep.
// Waking whichever waited on one condition variable spread a training step's blocks over all of
// them: 4 threads on 2 cores trained 1.06–1.26× slower than 2 (medium, alternating runs).
std::vector<KernelScheduler::Sleeper*> KernelScheduler::take_sleepers_locked(int count) {
  std::vector<Sleeper*> woken;
  for (; count > 0 && !sleepers_.empty(); --count) {
    woken.push_back(sleepers_.back());
    sleepers_.pop_back();
    woken.back()->woken = true;
  }
  return woken;
}

// After the lock is released: a thread woken under it would wake only to wait for the lock. A
// Sleeper outlives its executor (sleepers_pool_), so a late notification is at most spurious.
void KernelScheduler::notify(const std::vector<Sleeper*>& woken) {
  for (Sleeper* sleeper : woken) sleeper->cv.notify_one();
}

template <class HasWork>
void KernelScheduler::sleep_until(std::unique_lock<std::mutex>& lock, Sleeper& self, const HasWork& has_work) {
  while (!has_work()) {
    self.woken = false;
    sleepers_.push_back(&self);
    self.cv.wait(lock, [&] { return self.woken || has_work(); });
    // Woken by a waker: it took us off the list. Awake for work on our own: still on it.
    if (!self.woken) sleepers_.erase(std::find(sleepers_.begin(), sleepers_.end(), &self));
  }
}

void KernelScheduler::executor_loop() {
  yield_wakeups_to_submitters();
  std::unique_lock<std::mutex> lock = lock_spinning_first(mutex_);
  Sleeper& self = *sleepers_pool_.claim();
  bool ran_work = false, ran_sync_block = false;
  for (;;) {
    const auto has_task = [this] { return !queue_.empty() && !exiting_; };
    const auto has_work = [&] { return !jobs_.empty() || has_task() || executors_ > target_executors_; };
    ++idle_executors_;
    count_busy_locked();
    if (ran_work && !has_work()) spin_for_work(lock, ran_sync_block, has_work);
    sleep_until(lock, self, has_work);
    --idle_executors_;
    count_busy_locked();
    ran_work = ran_sync_block = false;
    // Blocks of running calls first: their calls hold slots and callers already wait for them.
    if (!jobs_.empty()) {
      const HelpedBlock helped = help_with_block(lock);
      ran_work = helped != HelpedBlock::None;
      ran_sync_block = helped == HelpedBlock::OfSyncCall;
    } else if (has_task()) {
      run_next_task(lock);
      ran_work = true;
    } else {
      --executors_;  // retired by a lower thread count
      count_busy_locked();
      sleepers_pool_.release(&self);
      return;
    }
  }
}

// An executor that has just run kernel work (an async call, or a block of any call's split) watches
// for the next work for up to kIdleSpinMicros before it sleeps: waking a sleeping thread took ~50 µs
// at the median and ~1 ms at the 99th percentile on a 2-core VM, and the next work usually comes
// within a millisecond: a training step is a chain of async calls with a few hundred µs of
// JavaScript between them, back-to-back `predict` calls leave ~0.5 ms, concurrent callers queue
// their next calls within tens of µs. Against the watch it had before (200 µs, after async calls
// and sync calls' blocks only), the bench's medium shapes on the Zen 3 VM at 2 threads, one process
// alternating the two every six calls for 20 s: `predict` LSTM 1.10× and GRU 1.05× as fast,
// training steps (`trainOnBatch`) 1.03× and 1.07×; two served callers the same within noise
// (0.95–1.14×). Variants in a first run: 200 µs after every block, 1.00× (LSTM predict and
// training); 1 ms without the blocks of async calls, 1.01× and 1.00×; 3 ms, as 1 ms.
// Only with more than one thread (one thread means one core, spinning included), and only on a CPU
// that neither kernel work nor another spinner has (after a block of a split that a sync call opened
// on a JS thread, a Predictor's batch run in place, that JS thread keeps one); it stops once
// every CPU has kernel work, and yields as it goes, so a thread that wants the core gets it. (With
// more threads than CPUs, spinners that kept on beside running calls had read 4 threads at
// 1.02–1.13× the time of 2: SimpleRNN medium training, 3 repeats.) The process's CPU time while
// idle is checked in executor-policy.test.ts.
template <class HasWork>
void KernelScheduler::spin_for_work(std::unique_lock<std::mutex>& lock, bool after_sync_block, const HasWork& has_work) {
  // A CPU left for it (spinners_ counts the others): the threads running kernel work and the
  // spinners stay within the CPUs. After a sync call's block, the JS thread that opened it keeps one
  // CPU whether its call still runs or it is between calls, so the spinners stay within the others.
  const auto may_spin = [&] {
    if (target_executors_ < 2) return false;
    const int busy = busy_threads_.load(std::memory_order_relaxed);
    if (after_sync_block) return busy < process_cpus() && spinners_ + 1 < process_cpus();
    return busy + spinners_ < process_cpus();
  };
  // One round per watch: work posted that others took first (a split's opener claims its own blocks
  // too) starts a fresh round instead of sleep, as more is likely to follow.
  while (may_spin()) {
    ++spinners_;
    const unsigned seen = work_posted_.load(std::memory_order_acquire);
    lock.unlock();
    // Stops early, to sleep, once every CPU has kernel work: spinning on would only take turns with it.
    const bool posted = spin_until(
        [&] {
          return work_posted_.load(std::memory_order_acquire) != seen ||
                 busy_threads_.load(std::memory_order_relaxed) >= process_cpus();
        },
        std::chrono::microseconds(kIdleSpinMicros), 16, /*yield=*/true);
    lock_spinning_first(lock);
    --spinners_;
    if (!posted || has_work()) return;
  }
}

void KernelScheduler::run_next_task(std::unique_lock<std::mutex>& lock) {
  KernelTask* task = queue_.front();
  queue_.pop_front();
  running_.push_back(task);
  Slot* slot = slots_.claim();
  lock.unlock();
  KernelContext context{slot->scratch, &task->stop_};
  run_catching(task->kernel_, context, task->outcome_, task->failure_);
  lock_spinning_first(lock);
  slots_.release(slot);
  finish(task, lock);
  done_cv_.notify_all();
}

// Delivery runs outside the lock: handing a task to JavaScript wakes its event loop (a write to the
// loop's eventfd), and the woken thread, about to call into the scheduler again (its next call, a
// sync Dense GEMM), often took this core from the executor mid-delivery and then waited for the lock
// the executor still held. Two B = 1 callers served 1.05–1.10× more calls a second without that
// (alternating runs). detach() and exit wait for a delivery under way instead.
void KernelScheduler::finish(KernelTask* task, std::unique_lock<std::mutex>& lock) {
  running_.erase(std::find(running_.begin(), running_.end(), task));
  if (task->detached_) {
    orphans_.push_back(task);
    return;
  }
  if (exiting_) return;
  TaskOwner* owner = task->owner_;
  delivering_.push_back(owner);
  lock.unlock();
  owner->deliver(task);  // from here on the task is its owner's (it may be freed at once)
  lock_spinning_first(lock);
  delivering_.erase(std::find(delivering_.begin(), delivering_.end(), owner));
}

void KernelScheduler::run_inline(const Kernel& kernel) {
  std::atomic<bool> stop{false};  // set only at process exit
  Slot* slot = nullptr;
  {
    const auto lock = lock_spinning_first(mutex_);
    slot = slots_.claim();
    inline_stops_.push_back(&stop);
    count_busy_locked();
  }
  const auto done = [&] {
    const auto lock = lock_spinning_first(mutex_);
    slots_.release(slot);
    inline_stops_.erase(std::find(inline_stops_.begin(), inline_stops_.end(), &stop));
    count_busy_locked();
    done_cv_.notify_all();
  };
  KernelContext context{slot->scratch, &stop};
  try {
    CallScope call;
    InlineCallScope inline_call;
    kernel(context);
  } catch (...) {
    done();
    throw;
  }
  done();
}

std::vector<KernelTask*> KernelScheduler::detach(TaskOwner* owner) {
  std::unique_lock<std::mutex> lock = lock_spinning_first(mutex_);
  std::vector<KernelTask*> dropped;
  for (auto it = queue_.begin(); it != queue_.end();) {
    if ((*it)->owner_ != owner) {
      ++it;
      continue;
    }
    dropped.push_back(*it);
    it = queue_.erase(it);
  }
  const auto owned = [owner](const KernelTask* t) { return t->owner_ == owner; };
  for (KernelTask* task : running_) {
    if (!owned(task)) continue;
    task->detached_ = true;
    task->stop_.store(true, std::memory_order_relaxed);
  }
  done_cv_.wait(lock, [&] {
    return std::none_of(running_.begin(), running_.end(), owned) &&
           std::find(delivering_.begin(), delivering_.end(), owner) == delivering_.end();
  });
  const auto orphaned = std::stable_partition(orphans_.begin(), orphans_.end(), [&](KernelTask* t) { return !owned(t); });
  dropped.insert(dropped.end(), orphaned, orphans_.end());
  orphans_.erase(orphaned, orphans_.end());
  return dropped;
}

KernelScheduler::Counts KernelScheduler::counts() {
  const auto lock = lock_spinning_first(mutex_);
  return {executors_, static_cast<int>(slots_.size()), static_cast<int>(queue_.size()),
          static_cast<int>(running_.size() + inline_stops_.size()), widest_split_};
}

void KernelScheduler::wait_at_exit() {
  std::unique_lock<std::mutex> lock = lock_spinning_first(mutex_);
  exiting_ = true;
  for (KernelTask* task : running_) task->stop_.store(true, std::memory_order_relaxed);
  for (std::atomic<bool>* stop : inline_stops_) stop->store(true, std::memory_order_relaxed);
  done_cv_.wait(lock, [&] { return running_.empty() && inline_stops_.empty() && delivering_.empty(); });
}

}  // namespace rnn
