// Where kernel calls run, for every JS environment of the process (the main thread and each
// worker_threads worker).
//
// The scheduler owns the process's thread pool: as many executor threads as the thread count
// (setNumThreads / RNN_NUM_THREADS). An idle executor first helps with a block of a running call's
// split (ParallelJob), else starts the next queued async call. So independent calls run at the
// same time, each on its own executor, and a lone large call gets every idle executor for its
// blocks: a call's thread budget is its own thread plus the executors nobody else needs, up to its
// block count, and the pool never runs more than the thread count of threads at once (plus the JS
// threads running sync calls). Async calls wait here, never on one of libuv's threads (fs, dns and
// crypto keep theirs). Sync calls run on their caller's thread at once, never waiting for another
// call. Every running call holds a kernel slot: the scratch memory it alone uses (slots are made
// as needed, one per call running at once, and kept for reuse).
//
// Pure C++ (no N-API): the addon's per-environment glue (async_calls.cc) delivers finished tasks
// back to JavaScript and detaches an environment that is being torn down.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "kernels/kernel_context.h"
#include "parallel_job.h"
#include "reuse_pool.h"

namespace rnn {

class KernelTask;

using Kernel = std::function<void(KernelContext&)>;

// Who receives finished tasks: one per JS environment.
class TaskOwner {
 public:
  // Called on an executor thread once `task` ran, without the scheduler's lock, never after
  // detach(this) returned (detach waits for a delivery under way). From the call on, the task is
  // the owner's: the scheduler no longer touches it. Must neither block nor throw.
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

// Whether this thread is running a sync call (KernelScheduler::run_inline) now.
bool in_inline_call();

class KernelScheduler {
 public:
  // The process-wide scheduler, started on first use. It is never destroyed: its executor threads
  // serve every environment and outlive each of them; at process exit it waits for the running
  // calls (asking their time loops to stop) so that no kernel touches memory exit() frees.
  static KernelScheduler& shared();

  // Queues `task` (owned by the scheduler until it is delivered or returned by detach()).
  void submit(KernelTask* task);

  // Runs `kernel` on this thread now, with a slot of its own. Exceptions of the kernel propagate.
  void run_inline(const Kernel& kernel);

  // Runs the blocks of `job` on this thread and on idle executors; returns when all have run,
  // rethrowing the first block's exception.
  void run_blocks(ParallelJob& job);

  // Sets the thread count: the executors (started or retired to match) and, up to the CPUs
  // (split_policy.h), the width of the splits of calls starting from now on. Returns the count in
  // force.
  int set_threads(int threads);

  // Starts counting widest_split afresh (a change of thread count does too).
  void reset_widest_split();

  // For an environment being torn down: removes its queued tasks, asks its running ones to stop and
  // waits for them. Returns every task of `owner` that will never be delivered (the caller frees
  // them); afterwards the scheduler never touches `owner` again.
  std::vector<KernelTask*> detach(TaskOwner* owner);

  // What the scheduler holds now (for tests: nothing may stay behind when environments end).
  struct Counts {
    int executors;  // executor threads alive
    int slots;      // kernel slots made so far (the most calls that ever ran at once)
    int queued;     // async calls waiting for an executor
    int running;    // calls running (async and sync)
    int widest_split;  // the most blocks one split had since the last reset (0: nothing split)
  };
  Counts counts();

 private:
  struct Slot {
    Scratch scratch;
  };

  // An executor's wait for work: asleep until a waker takes it off sleepers_ (or work turns up on
  // its own). Kept in sleepers_pool_ for the process's life, reused by later executors.
  struct Sleeper {
    std::condition_variable cv;
    bool woken = false;
  };

  KernelScheduler() = default;
  void executor_loop();
  template <class HasWork>
  void sleep_until(std::unique_lock<std::mutex>& lock, Sleeper& self, const HasWork& has_work);
  // Lock held: takes up to `count` sleepers off the list, the most recently idle first, for notify()
  // once the lock is released.
  std::vector<Sleeper*> take_sleepers_locked(int count);
  static void notify(const std::vector<Sleeper*>& woken);
  template <class HasWork>
  void spin_for_work(std::unique_lock<std::mutex>& lock, bool after_sync_block, const HasWork& has_work);
  // What help_with_block ran.
  enum class HelpedBlock { None, OfAsyncCall, OfSyncCall };
  // Runs one block of the first published job, if one is left to claim.
  HelpedBlock help_with_block(std::unique_lock<std::mutex>& lock);
  void run_next_task(std::unique_lock<std::mutex>& lock);
  void start_executors_locked();
  void count_busy_locked();       // lock held; after any change of the counts busy_threads_ sums
  void finish(KernelTask* task, std::unique_lock<std::mutex>& lock);  // lock held; released while delivering
  void publish(ParallelJob& job);
  void withdraw(ParallelJob& job);
  void wait_finished(ParallelJob& job);
  void wait_at_exit();

  std::mutex mutex_;  // every acquisition through lock_spinning_first (cpu_relax.h), relocks included
  std::condition_variable done_cv_;   // detach() and exit: a running call finished
  std::condition_variable block_cv_;  // split openers: the last block of a job finished
  ReusePool<Slot> slots_;  // one per call running at once, at most; the warmest scratch handed out first
  std::deque<KernelTask*> queue_;
  std::deque<ParallelJob*> jobs_;     // splits with unclaimed blocks
  std::vector<KernelTask*> running_;
  std::vector<std::atomic<bool>*> inline_stops_;  // sync calls running (their stop flags)
  std::vector<KernelTask*> orphans_;  // finished after their owner detached
  std::vector<TaskOwner*> delivering_;  // owners an executor is delivering a task to now (outside the lock)
  int target_executors_ = 0;
  int executors_ = 0;
  int idle_executors_ = 0;
  ReusePool<Sleeper> sleepers_pool_;  // one per executor ever alive at once
  std::vector<Sleeper*> sleepers_;    // executors asleep, the most recently idle last
  int spinners_ = 0;                     // executors spinning for work (spin_for_work)
  int widest_split_ = 0;
  // Threads running kernel work now: executors not waiting for work, plus sync calls. Read without
  // the lock by a split's opener deciding whether it may spin.
  std::atomic<int> busy_threads_{0};
  // Bumped with every task queued and split published: what an idle executor spins on.
  std::atomic<unsigned> work_posted_{0};
  bool exiting_ = false;
};

}  // namespace rnn
