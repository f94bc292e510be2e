// Where kernel calls run, for every JS environment of the process (the main thread and each
// worker_threads worker).
//
// The scheduler owns a fixed number of kernel slots (one for now: the kernels' own threading and
// OpenBLAS's process-wide thread count assume one call at a time) and one executor thread per slot.
// Async calls queue here and run on an executor thread, so a call waiting for a slot never holds
// one of libuv's threads (fs, dns and crypto keep theirs). Sync calls run on their caller's thread
// under a slot, ahead of queued async calls. Each slot owns the scratch memory its calls use.
//
// Pure C++ (no N-API): the addon's per-environment glue (async_calls.cc) delivers finished tasks
// back to JavaScript and detaches an environment that is being torn down.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kernels/kernel_context.h"

namespace rnn {

class KernelTask;

using Kernel = std::function<void(KernelContext&)>;

// Who receives finished tasks: one per JS environment.
class TaskOwner {
 public:
  // Called on an executor thread once `task` ran, with the scheduler's lock held, never after
  // detach(this) began. Must neither block nor throw.
  virtual void deliver(KernelTask* task) noexcept = 0;

 protected:
  ~TaskOwner() = default;
};

// How a task's kernel ended.
enum class KernelOutcome { Done, OutOfMemory, Failed };

// One async kernel call: queued, run on an executor thread, then delivered to its owner.
class KernelTask {
 public:
  KernelTask(TaskOwner* owner, Kernel kernel) : owner_(owner), kernel_(std::move(kernel)) {}
  virtual ~KernelTask() = default;
  KernelTask(const KernelTask&) = delete;
  KernelTask& operator=(const KernelTask&) = delete;

  KernelOutcome outcome() const { return outcome_; }
  // What the kernel's exception said (Failed only).
  const std::string& failure() const { return failure_; }

 private:
  friend class KernelScheduler;
  TaskOwner* owner_;
  Kernel kernel_;
  KernelOutcome outcome_ = KernelOutcome::Done;
  std::string failure_;
  std::atomic<bool> stop_{false};
  bool detached_ = false;  // its owner went away while it ran: kept for detach() to return
};

class KernelScheduler {
 public:
  // The process-wide scheduler, started on first use. It is never destroyed: its executor threads
  // serve every environment and outlive each of them; at process exit it waits for the running
  // calls (asking their time loops to stop) so that no kernel touches memory exit() frees.
  static KernelScheduler& shared();

  // Queues `task` (owned by the scheduler until it is delivered or returned by detach()).
  void submit(KernelTask* task);

  // Runs `kernel` on this thread under a free slot, waiting for one ahead of queued tasks.
  // Exceptions of the kernel propagate.
  void run_inline(const Kernel& kernel);

  // Runs `fn` on this thread while holding every slot (for process-wide settings such as threads).
  void run_exclusive(const std::function<void()>& fn);

  // For an environment being torn down: removes its queued tasks, asks its running ones to stop and
  // waits for them. Returns every task of `owner` that will never be delivered (the caller frees
  // them); afterwards the scheduler never touches `owner` again.
  std::vector<KernelTask*> detach(TaskOwner* owner);

 private:
  struct Slot {
    Scratch scratch;
    bool busy = false;
  };

  explicit KernelScheduler(int slots);
  void start_executors();
  void executor_loop();
  Slot* claim_slot();  // lock held; a free slot, marked busy (nullptr when none)
  void release_slot(Slot* slot);
  void finish(KernelTask* task);  // lock held
  void wait_at_exit();

  std::mutex mutex_;
  std::condition_variable work_cv_;   // executors: a task and a slot may be available
  std::condition_variable slot_cv_;   // inline callers: a slot may be free
  std::condition_variable done_cv_;   // detach() and exit: a running task finished
  std::vector<std::unique_ptr<Slot>> slots_;
  std::deque<KernelTask*> queue_;
  std::vector<KernelTask*> running_;
  std::vector<KernelTask*> orphans_;  // finished after their owner detached
  int inline_waiting_ = 0;
  bool exiting_ = false;
};

}  // namespace rnn
