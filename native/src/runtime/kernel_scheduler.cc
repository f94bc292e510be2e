#include "kernel_scheduler.h"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <new>
#include <thread>

namespace rnn {

namespace {

// Kernel slots: calls that may run at once. One, because a call's batch split and GEMM split
// already use every thread we are given, and OpenBLAS's thread count is process-wide.
constexpr int kSlots = 1;

// Runs a task's kernel, turning any exception into the task's outcome.
void run_catching(const Kernel& kernel, KernelContext& context, KernelOutcome& outcome, std::string& failure) noexcept {
  try {
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

KernelScheduler& KernelScheduler::shared() {
  // Deliberately leaked: destroying it at exit would pull the mutex and queues from under executor
  // threads that may still run. The atexit hook makes exit wait for running calls instead.
  static KernelScheduler* scheduler = [] {
    auto* s = new KernelScheduler(kSlots);
    s->start_executors();
    std::atexit([] { shared().wait_at_exit(); });
    return s;
  }();
  return *scheduler;
}

KernelScheduler::KernelScheduler(int slots) {
  for (int i = 0; i < slots; ++i) slots_.push_back(std::make_unique<Slot>());
}

void KernelScheduler::start_executors() {
  // Detached: they wait on work_cv_ for the life of the process (the addon is never unloaded).
  for (std::size_t i = 0; i < slots_.size(); ++i) std::thread([this] { executor_loop(); }).detach();
}

KernelScheduler::Slot* KernelScheduler::claim_slot() {
  for (auto& slot : slots_) {
    if (!slot->busy) {
      slot->busy = true;
      return slot.get();
    }
  }
  return nullptr;
}

void KernelScheduler::release_slot(Slot* slot) {
  std::lock_guard<std::mutex> lock(mutex_);
  slot->busy = false;
  slot_cv_.notify_all();
  work_cv_.notify_all();
}

void KernelScheduler::submit(KernelTask* task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(task);
  }
  work_cv_.notify_one();
}

void KernelScheduler::executor_loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    Slot* slot = nullptr;
    work_cv_.wait(lock, [&] {
      if (exiting_ || queue_.empty() || inline_waiting_ > 0) return false;
      slot = claim_slot();
      return slot != nullptr;
    });
    KernelTask* task = queue_.front();
    queue_.pop_front();
    running_.push_back(task);
    lock.unlock();
    KernelContext context{slot->scratch, &task->stop_};
    run_catching(task->kernel_, context, task->outcome_, task->failure_);
    lock.lock();
    slot->busy = false;
    finish(task);
    slot_cv_.notify_all();
    done_cv_.notify_all();
  }
}

void KernelScheduler::finish(KernelTask* task) {
  running_.erase(std::find(running_.begin(), running_.end(), task));
  if (task->detached_) {
    orphans_.push_back(task);
  } else if (!exiting_) {
    task->owner_->deliver(task);
  }
}

void KernelScheduler::run_inline(const Kernel& kernel) {
  Slot* slot = nullptr;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    ++inline_waiting_;
    slot_cv_.wait(lock, [&] { return (slot = claim_slot()) != nullptr; });
    --inline_waiting_;
  }
  KernelContext context{slot->scratch, nullptr};
  try {
    kernel(context);
  } catch (...) {
    release_slot(slot);
    throw;
  }
  release_slot(slot);
}

void KernelScheduler::run_exclusive(const std::function<void()>& fn) {
  std::vector<Slot*> held;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    ++inline_waiting_;
    slot_cv_.wait(lock, [&] {
      return std::none_of(slots_.begin(), slots_.end(), [](const auto& s) { return s->busy; });
    });
    --inline_waiting_;
    for (std::size_t i = 0; i < slots_.size(); ++i) held.push_back(claim_slot());
  }
  std::exception_ptr error;
  try {
    fn();
  } catch (...) {
    error = std::current_exception();
  }
  for (Slot* slot : held) release_slot(slot);
  if (error) std::rethrow_exception(error);
}

std::vector<KernelTask*> KernelScheduler::detach(TaskOwner* owner) {
  std::unique_lock<std::mutex> lock(mutex_);
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
  done_cv_.wait(lock, [&] { return std::none_of(running_.begin(), running_.end(), owned); });
  const auto orphaned = std::stable_partition(orphans_.begin(), orphans_.end(), [&](KernelTask* t) { return !owned(t); });
  dropped.insert(dropped.end(), orphaned, orphans_.end());
  orphans_.erase(orphaned, orphans_.end());
  return dropped;
}

void KernelScheduler::wait_at_exit() {
  std::unique_lock<std::mutex> lock(mutex_);
  exiting_ = true;
  for (KernelTask* task : running_) task->stop_.store(true, std::memory_order_relaxed);
  done_cv_.wait(lock, [&] { return running_.empty(); });
}

}  // namespace rnn
